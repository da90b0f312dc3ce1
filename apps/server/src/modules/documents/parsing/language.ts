import type { DocumentLanguage } from "./document.types";

/*
 * Per-document language, used to pick the Postgres text-search configuration (stemming and stop
 * words). Russian: Cyrillic letters make up a good share of all letters (technical Russian text is
 * full of Latin code and names, so a majority is not required) and common Russian words are
 * frequent. English: Latin-script text where common English function words are frequent; other
 * Latin-script languages (German, French...) use few of them and get "other", so they are not
 * stemmed as English.
 */

const SAMPLE_CHARS = 200_000;
const EN_WORDS = new Set(
  "the of and to in is that for it as with was on be by this are or from at an which not have can you if we they".split(
    " ",
  ),
);
const RU_WORDS = new Set(
  "и в не на что с по для это как к из у о от же за то все но так его или при если можно бы а мы вы он она они быть есть".split(
    " ",
  ),
);

/** "en", "ru" or "other" for a document's text (a sample of its start is enough). */
export function detectLanguage(text: string): DocumentLanguage {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  const words = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  let cyrillicWords = 0;
  let latinWords = 0;
  let ru = 0;
  let en = 0;
  for (const w of words) {
    if (/[\u0400-\u04ff]/.test(w)) {
      cyrillicWords += 1;
      if (RU_WORDS.has(w)) ru += 1;
    } else if (/^[a-z]+$/.test(w)) {
      latinWords += 1;
      if (EN_WORDS.has(w)) en += 1;
    }
  }
  const total = cyrillicWords + latinWords;
  if (total === 0) return "other";
  if (cyrillicWords / total >= 0.3 && ru / cyrillicWords >= 0.05) return "ru";
  if (latinWords / total >= 0.5 && en / latinWords >= 0.08) return "en";
  return "other";
}
