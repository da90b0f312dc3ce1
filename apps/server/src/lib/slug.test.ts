import { describe, expect, it } from "vitest";
import { slugify } from "./slug";

describe("slugify", () => {
  it("makes URL-safe slugs from Latin and Cyrillic names", () => {
    expect(slugify("Sales & Marketing")).toBe("sales-marketing");
    expect(slugify("Отдел продаж")).toBe("otdel-prodazh");
    expect(slugify("Café Ünïcode")).toBe("cafe-unicode");
  });
  it("never returns a slug too short to be valid", () => {
    expect(slugify("!")).toBe("t-tenant");
    expect(slugify("A")).toBe("t-a");
  });
  it("caps the length without a trailing dash", () => {
    const s = slugify("word ".repeat(30));
    expect(s.length).toBeLessThanOrEqual(40);
    expect(s.endsWith("-")).toBe(false);
  });
});
