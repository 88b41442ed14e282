import { formatDuration } from '../core/duration.js';
import { JobSummary, markup } from '../core/summary.js';

export interface ImageOutcome {
  kind: 'built' | 'pushed' | 'promoted' | 'merged' | 'skipped' | 'metadata';
  digest?: string;
  /** The built or pushed image's id (its config digest). */
  imageId?: string;
  /** The builder's build metadata (buildx's metadata file), as JSON text. */
  buildMetadata?: string;
  refs: string[];
  tags: string[];
  labels: string[];
  version?: string;
  durationMs?: number;
  builder?: string;
  source?: string;
  /** Digest at every target after promotion, read back from the registry. */
  verified?: Array<{ ref: string; digest: string }>;
  /** For a merge: each platform in the index and the image it points to. */
  platforms?: Array<{ platform: string; digest: string; source: string }>;
  notes: string[];
}

export function verdictLine(outcome: ImageOutcome): string {
  const digest = outcome.digest ? ` ${outcome.digest}` : '';
  switch (outcome.kind) {
    case 'promoted':
      return `Promoted ${outcome.source} to ${outcome.refs.length} tag(s) without rebuilding:${digest}`;
    case 'merged':
      return `Merged ${outcome.platforms?.length ?? 0} platform image(s) into one under ${outcome.refs.length} tag(s):${digest}`;
    case 'skipped':
      return `Skipped the build: ${outcome.tags[0]} already exists at${digest}`;
    case 'pushed':
      return `Built and pushed ${outcome.refs.length} reference(s):${digest}`;
    case 'built':
      return `Built ${outcome.tags.length > 0 ? outcome.tags[0] : 'the image'} (not pushed)`;
    default:
      return `Computed ${outcome.tags.length} tag(s)${outcome.version ? ` for version ${outcome.version}` : ''}`;
  }
}

export function buildSummary(outcome: ImageOutcome): JobSummary {
  const summary = new JobSummary();
  summary.verdict(outcome.tags.length === 0 ? 'warning' : 'success', verdictLine(outcome));
  if (outcome.platforms && outcome.platforms.length > 0) {
    summary.table(
      ['Platform', 'Image digest', 'From'],
      outcome.platforms.map(({ platform, digest, source }) => [
        markup.code(platform),
        markup.code(digest),
        source,
      ]),
    );
  }
  if (outcome.verified && outcome.verified.length > 0) {
    summary.table(
      ['Reference', 'Digest after promotion', 'Unchanged'],
      outcome.verified.map(({ ref, digest }) => [
        markup.code(ref),
        markup.code(digest),
        digest === outcome.digest ? '✅' : '❌',
      ]),
    );
  } else if (outcome.refs.length > 0) {
    summary.table(
      ['Pushed reference'],
      outcome.refs.map((ref) => [markup.code(ref)]),
    );
  } else if (outcome.tags.length > 0) {
    summary.table(
      ['Tag'],
      outcome.tags.map((tag) => [markup.code(tag)]),
    );
  }
  const facts: string[] = [];
  if (outcome.source) facts.push(`Source: ${outcome.source}`);
  if (outcome.builder) facts.push(`Builder: ${outcome.builder}`);
  if (outcome.durationMs !== undefined) facts.push(`Time: ${formatDuration(outcome.durationMs)}`);
  if (outcome.version) facts.push(`Version: ${outcome.version}`);
  if (facts.length > 0) summary.list(facts);
  for (const note of outcome.notes) summary.note(note);
  if (outcome.labels.length > 0) {
    summary.details(`Labels (${outcome.labels.length})`, (content) =>
      content.code(outcome.labels.join('\n')),
    );
  }
  return summary;
}
