import { InitialSchema1764230400000 } from "./1764230400000-InitialSchema"
import { MessageStatusCheck1795910400000 } from "./1795910400000-MessageStatusCheck"

/** Every built-in migration, oldest first. */
export const MIGRATIONS = [InitialSchema1764230400000, MessageStatusCheck1795910400000]
