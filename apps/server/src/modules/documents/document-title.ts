import { titleFromFilename } from "@atrium/contracts";

const MAX_TITLE = 200;

/**
 * The title after parsing: the file's own title (PDF/DOCX metadata, HTML <title>, Markdown front
 * matter, else the first heading) replaces the file-name title, but never one a person has set.
 */
export function titleAfterParsing(current: string, filename: string, parsed: string | undefined): string {
  const found = parsed?.replace(/\s+/g, " ").trim().slice(0, MAX_TITLE);
  return found && current === titleFromFilename(filename) ? found : current;
}
