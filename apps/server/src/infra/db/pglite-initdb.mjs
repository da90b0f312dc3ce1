// Creates a new embedded database directory (initdb) in a short-lived child process:
//   node pglite-initdb.mjs <dataPath>
// initdb grows PGlite's WebAssembly memory by ~110 MB more than the server needs afterwards, and a
// WebAssembly memory never shrinks; created here, that memory leaves with this process.
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";

const pglite = await PGlite.create(process.argv[2], { extensions: { vector } });
await pglite.close();
