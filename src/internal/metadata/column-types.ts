// Column types by kind, as entity metadata names them (TypeORM's names on every driver, or the
// JavaScript constructor of an untyped column). Conversions and value checks both go by them.

/** Text columns. */
export const TEXT_TYPES: ReadonlySet<unknown> = new Set<unknown>([
  "varchar",
  "character varying",
  "char",
  "character",
  "nvarchar",
  "nchar",
  "text",
  "tinytext",
  "mediumtext",
  "longtext",
  String,
])

/** Integer columns. */
export const INTEGER_TYPES: ReadonlySet<unknown> = new Set<unknown>([
  "int",
  "integer",
  "int4",
  "smallint",
  "int2",
])

/** Binary floating-point columns. */
export const FLOAT_TYPES: ReadonlySet<unknown> = new Set<unknown>([
  "double",
  "double precision",
  "float",
  "float8",
  "float4",
  "real",
  Number,
])
