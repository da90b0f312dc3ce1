import { hash, verify } from "@node-rs/argon2";

/** Password hashing adapter (argon2id). Tests may pass cheaper parameters. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/** argon2id with OWASP's recommended minimum (19 MiB, 2 passes) unless told otherwise. */
export function createArgon2Hasher(opts: { memoryCost?: number; timeCost?: number } = {}): PasswordHasher {
  // algorithm 2 = Argon2id (the enum is a const enum, which isolated modules cannot import).
  const params = { algorithm: 2, memoryCost: opts.memoryCost ?? 19_456, timeCost: opts.timeCost ?? 2, parallelism: 1 };
  return {
    hash: (password) => hash(password, params),
    verify: async (stored, password) => {
      try {
        return await verify(stored, password);
      } catch {
        return false;
      }
    },
  };
}
