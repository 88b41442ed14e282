/**
 * Links to a file and line as GitHub shows them at one commit, for summaries and comments: a
 * reader clicks from a finding to the code it is about, as it was when the check ran.
 */
export interface SourceCommit {
  serverUrl: string;
  repository: { owner: string; repo: string };
  /** The commit the files are shown at: for a pull request its head, not the merge commit. */
  sha: string;
}

/** The blob URL of a repository-relative file (and line), or undefined for paths outside it. */
export type SourceLinker = (file: string, line?: number) => string | undefined;

export function sourceLinker(commit: SourceCommit): SourceLinker {
  const base = `${commit.serverUrl}/${encodeURIComponent(commit.repository.owner)}/${encodeURIComponent(commit.repository.repo)}/blob/${commit.sha}/`;
  return (file, line) => {
    const segments = file.split('/');
    // Absolute, drive-letter and climbing paths name files outside the repository.
    if (
      file === '' ||
      /^[A-Za-z]:/.test(file) ||
      segments.some((s) => s === '' || s === '..' || s === '.')
    )
      return undefined;
    const anchor = line !== undefined && Number.isInteger(line) && line > 0 ? `#L${line}` : '';
    return `${base}${segments.map(encodeURIComponent).join('/')}${anchor}`;
  };
}
