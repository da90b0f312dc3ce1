import { titleFromFilename } from "@atrium/contracts";
import { describe, expect, it } from "vitest";
import { titleAfterParsing } from "./document-title";

describe("document titles", () => {
  it("start as the file name without its extension", () => {
    expect(titleFromFilename("Annual report 2025.pdf")).toBe("Annual report 2025");
    expect(titleFromFilename("notes")).toBe("notes");
  });

  it("take the file's own title when the title is still the file name", () => {
    expect(titleAfterParsing("scan_0042", "scan_0042.pdf", "  Travel   Policy ")).toBe("Travel Policy");
  });

  it("keep a title a person has set, and the file name when the file has no title", () => {
    expect(titleAfterParsing("Travel rules", "scan_0042.pdf", "Travel Policy")).toBe("Travel rules");
    expect(titleAfterParsing("scan_0042", "scan_0042.pdf", undefined)).toBe("scan_0042");
    expect(titleAfterParsing("scan_0042", "scan_0042.pdf", "   ")).toBe("scan_0042");
  });

  it("cut very long titles", () => {
    expect(titleAfterParsing("a", "a.md", "x".repeat(500))).toHaveLength(200);
  });
});
