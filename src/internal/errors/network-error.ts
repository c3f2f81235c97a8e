import type { DriverError } from "./error-classifier"

// Node's socket and DNS errors, which both server drivers pass on unchanged.
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
])

/** The network between this process and a database server failed. */
export function isNetworkError(error: DriverError): boolean {
  return typeof error.code === "string" && NETWORK_CODES.has(error.code)
}
