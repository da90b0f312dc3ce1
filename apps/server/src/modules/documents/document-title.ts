/** A new document is called by its file name, without the extension, until its text is read. */
export function titleFromFilename(filename: string): string {
  return filename.replace(/\.[a-z0-9]{1,5}$/i, "");
}

const MAX_TITLE = 200;

/**
 * The title after parsing: the file's own title (PDF/DOCX metadata, HTML <title>, Markdown front
 * matter, else the first heading) replaces the file-name title, but never one a person has set.
 */
export function titleAfterParsing(current: string, filename: string, parsed: string | undefined): string {
  const found = parsed?.replace(/\s+/g, " ").trim().slice(0, MAX_TITLE);
  return found && current === titleFromFilename(filename) ? found : current;
}
