import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";

describe("parseConfig", () => {
  it("gives embedded defaults for an empty environment", () => {
    const { config } = parseConfig({});
    expect(config).toMatchObject({ PORT: 8080, ATRIUM_DATA_DIR: "./data" });
    expect(config?.DATABASE_URL).toBeUndefined();
  });
  it("reports every problem at once", () => {
    const { config, problems } = parseConfig({ PORT: "nope", DATABASE_URL: "mysql://x", JWT_SECRET: "short" });
    expect(config).toBeUndefined();
    expect(problems.join("\n")).toMatch(/PORT/);
    expect(problems.join("\n")).toMatch(/DATABASE_URL/);
    expect(problems.join("\n")).toMatch(/JWT_SECRET/);
  });
  it("requires the admin password when the admin email is set", () => {
    expect(parseConfig({ ATRIUM_ADMIN_EMAIL: "a@example.com" }).problems[0]).toMatch(/ATRIUM_ADMIN_PASSWORD/);
  });
  it("treats empty variables as unset", () => {
    expect(parseConfig({ DATABASE_URL: "" }).config?.DATABASE_URL).toBeUndefined();
  });
});
