export * from "./api-keys";
export * from "./auth";
export * from "./common";
export * from "./error-codes";
export * from "./health";
export * from "./tenants";
export * from "./users";
