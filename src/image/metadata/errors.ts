import { InputError } from '../../core/errors.js';

/**
 * A metadata input the action cannot use. It names the input and quotes the offending line, since
 * users paste whole blocks of `tags:` lines and need to know which one to fix.
 */
export class MetadataError extends InputError {
  constructor(
    input: string,
    problem: string,
    example: string,
    /** The line as the user wrote it, when the problem is in one line of a list input. */
    readonly line?: string,
  ) {
    super(input, line === undefined ? problem : `line "${line}": ${problem}`, example);
  }
}
