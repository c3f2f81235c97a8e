import { InitialSchema1764230400000 } from "./1764230400000-InitialSchema"

/** Every built-in migration, oldest first. */
export const MIGRATIONS = [InitialSchema1764230400000]
