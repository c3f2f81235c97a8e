#!/usr/bin/env bash
# Proves that `npm pack` yields a package a fresh project can install, import and typecheck, and
# that importing it neither connects nor throws.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)
mkdir "$work/consumer"
cd "$work/consumer"
cat > package.json <<JSON
{
  "name": "consumer",
  "private": true,
  "dependencies": { "concrete-db": "file:../$tarball" },
  "allowScripts": { "better-sqlite3": true }
}
JSON
npm install --prefer-offline --no-audit --no-fund --loglevel=error
# The consumer's own TypeScript: the one this repository pins.
cat > tsconfig.json <<JSON
{
  "compilerOptions": {
    "strict": true, "module": "commonjs", "target": "ES2022", "experimentalDecorators": true,
    "types": [], "typeRoots": [], "skipLibCheck": false, "noEmit": true,
    "lib": ["ES2023", "esnext.disposable"]
  },
  "files": ["consumer.ts"]
}
JSON
cat > consumer.ts <<'TS'
import { Column, Entity } from "typeorm"
import {
  Message,
  MetadataEntity,
  TextMessage,
  User,
  dataSourceOptionsFromEnv,
  type ConcreteMessage,
  type Env,
} from "concrete-db"

@Entity()
export class Note extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  title!: string
}

const env: Env = { DB_DRIVER: "sqlite", DB_DATABASE: "consumer.db" }
const options = dataSourceOptionsFromEnv(env)
const user: User = Object.assign(new User(), { email: "ada@example.com" })
const note = Object.assign(new Note(), { title: "hello" })
export const summary: string = `${options.type} ${user.id} ${note.id}`
// toObj() is declared by the messages layer (a module augmentation the package root loads).
const row = Object.assign(new Message(), { type: "textmessage", content: '{"text":"hi"}' })
const decoded: ConcreteMessage = row.toObj()
export const text: string | null = decoded instanceof TextMessage ? decoded.text : null
TS
"$root/node_modules/.bin/tsc" -p tsconfig.json --skipLibCheck
# Importing with a broken environment must not throw (errors come when a data source is built).
DB_DRIVER=nonsense DB_PORT=abc node -e '
  const db = require("concrete-db")
  if (typeof db.createDataSource !== "function") throw new Error("createDataSource is missing")
  const user = new db.User()
  if (!db.isUuid(user.id)) throw new Error("ids are not assigned")
  const row = Object.assign(new db.Message(), { type: "textmessage", content: "{\"text\":\"hi\"}" })
  if (!(row.toObj() instanceof db.TextMessage)) throw new Error("Message.toObj() does not decode")
  try { db.createDataSource(); throw new Error("expected a ConfigurationError") }
  catch (e) { if (!(e instanceof db.ConfigurationError)) throw e }
  console.log("packed package installs, imports and typechecks:", Object.keys(db).length, "exports")
'
