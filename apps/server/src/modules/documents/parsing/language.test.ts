import { describe, expect, it } from "vitest";
import { detectLanguage } from "./language";

describe("detectLanguage", () => {
  it("recognises English, Russian (even with much Latin code in it) and other languages", () => {
    expect(
      detectLanguage("The employee is entitled to leave after six months of work, and this is the rule for all."),
    ).toBe("en");
    expect(detectLanguage("Сотрудник имеет право на отпуск после шести месяцев работы, и это правило для всех.")).toBe(
      "ru",
    );
    expect(
      detectLanguage(
        "Чтобы загрузить документ, вызовите WordprocessingMLPackage.load(new java.io.File(path)) и получите MainDocumentPart, " +
          "который содержит основной текст документа.",
      ),
    ).toBe("ru");
    expect(
      detectLanguage("Ein topologischer Raum ist ein Paar aus einer Menge und einer Topologie auf dieser Menge."),
    ).toBe("other");
    expect(detectLanguage("12345 67890")).toBe("other");
  });
});
