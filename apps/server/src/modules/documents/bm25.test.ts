import { describe, expect, it } from "vitest";
import { idf, KEYWORD_CANDIDATE_BUDGET, keywordCandidateBudget, planKeywordQuery, tsqueryLiteral } from "./bm25";

describe("planKeywordQuery", () => {
  it("weighs rare lexemes above common ones", () => {
    expect(idf(1, 1000)).toBeGreaterThan(idf(100, 1000));
    expect(idf(1000, 1000)).toBeGreaterThan(0);
  });

  it("takes the rarest lexemes as candidates while their chunk counts fit the budget", () => {
    const plan = planKeywordQuery(
      [
        { lexeme: "patient", df: 900 },
        { lexeme: "zeppelin", df: 3 },
        { lexeme: "airship", df: 40 },
        { lexeme: "absent", df: 0 },
      ],
      1000,
      30_000,
      100,
    );
    expect(plan?.candidateQuery).toBe("'zeppelin' | 'airship'");
    expect(plan?.terms.map((t) => t.lexeme)).toEqual(["zeppelin", "airship", "patient"]);
    expect(plan?.avgLength).toBe(30);
  });

  it("always takes the rarest lexeme, even over the budget", () => {
    const plan = planKeywordQuery([{ lexeme: "cell", df: 5000 }], 10_000, 1, 100);
    expect(plan?.candidateQuery).toBe("'cell'");
  });

  it("has nothing to search when no query lexeme occurs", () => {
    expect(planKeywordQuery([{ lexeme: "x", df: 0 }], 10, 10)).toBeUndefined();
    expect(planKeywordQuery([], 10, 10)).toBeUndefined();
  });

  it("quotes lexemes so tsquery syntax in them is taken literally", () => {
    expect(tsqueryLiteral("o'neil")).toBe("'o''neil'");
    expect(tsqueryLiteral("a|b & !c")).toBe("'a|b & !c'");
    expect(tsqueryLiteral("back\\slash")).toBe("'back\\\\slash'");
  });
});

describe("keywordCandidateBudget", () => {
  it("reads 20 chunks per candidate wanted, at least 1 000 and at most the whole budget", () => {
    expect(keywordCandidateBudget(50)).toBe(1000); // k = 10, the API default
    expect(keywordCandidateBudget(75)).toBe(1500);
    expect(keywordCandidateBudget(500)).toBe(KEYWORD_CANDIDATE_BUDGET); // k = 100, the API maximum
    expect(keywordCandidateBudget(1)).toBe(1000);
  });
});
