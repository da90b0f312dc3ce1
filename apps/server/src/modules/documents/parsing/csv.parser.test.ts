import { describe, expect, it } from "vitest";
import { detectDelimiter, parseCsv, parseCsvRecords } from "./csv.parser";
import { ParseError } from "./parse-error";
import { parseText } from "./text.parser";

describe("parseCsvRecords", () => {
  it("follows RFC 4180: quoted delimiters, doubled quotes, newlines inside quotes, CRLF", () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line1\nline2"\r\n1,2,3';
    expect(parseCsvRecords(text, ",")).toEqual([
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "line1\nline2"],
      ["1", "2", "3"],
    ]);
  });

  it("detects semicolons, tabs and commas", () => {
    expect(detectDelimiter("a;b;c\n1;2,5;3\n4;5;6")).toBe(";");
    expect(detectDelimiter("a\tb\n1\t2\n")).toBe("\t");
    expect(detectDelimiter("a,b\n1,2\n")).toBe(",");
  });
});

describe("parseCsv", () => {
  it("makes each record a row named by the header", () => {
    const doc = parseCsv(Buffer.from('Name;City;Note\nИван;Москва;"Любит ""чай""; и кофе"\nOlga;;Remote\n'));
    expect(doc.blocks.map((b) => [b.kind, b.text])).toEqual([
      ["table-row", 'Name: Иван | City: Москва | Note: Любит "чай"; и кофе'],
      ["table-row", "Name: Olga | Note: Remote"],
    ]);
  });

  it("reads a file without a header row as plain rows", () => {
    const doc = parseCsv(Buffer.from("1,2,3\n4,5,6\n"));
    expect(doc.blocks.map((b) => b.text)).toEqual(["1 | 2 | 3", "4 | 5 | 6"]);
  });

  it("says an empty file is empty", () => {
    expect(() => parseCsv(Buffer.from("\n\n"))).toThrow(ParseError);
  });
});

describe("parseText", () => {
  it("splits paragraphs on blank lines and joins the lines inside one", () => {
    const doc = parseText(Buffer.from("First line\nsame paragraph.\r\n\r\nSecond paragraph.\n"));
    expect(doc.blocks.map((b) => b.text)).toEqual(["First line same paragraph.", "Second paragraph."]);
  });

  it("reads Windows-1252 text as Western European, not as Cyrillic", () => {
    const doc = parseText(Buffer.from("Der B\xe4cker \xf6ffnet um sieben Uhr, sagt die Stra\xdfenbahn.", "latin1"));
    expect(doc.blocks[0]?.text).toBe("Der Bäcker öffnet um sieben Uhr, sagt die Straßenbahn.");
  });

  it("reads Windows-1251 Russian text and detects the language", () => {
    const text = "Сотрудники могут работать из дома два дня в неделю, если это согласовано с руководителем.";
    const cp1251 = encodeWindows1251(text);
    const doc = parseText(cp1251);
    expect(doc.blocks[0]?.text).toBe(text);
    expect(doc.language).toBe("ru");
  });
});

/** Windows-1251 for Russian letters and ASCII (Node can decode it but not encode it). */
function encodeWindows1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      const code = ch.codePointAt(0) as number;
      if (code < 0x80) return code;
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
      if (ch === "ё") return 0xb8;
      if (ch === "Ё") return 0xa8;
      throw new Error(`no Windows-1251 byte for ${ch}`);
    }),
  );
}
