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

# NestJS is an optional peer dependency: not installed with the package, and concrete-db/nest
# loads once the application installs it (the versions this repository tests with).
[ ! -e node_modules/@nestjs ] && [ ! -e node_modules/rxjs ] ||
  { echo "installing concrete-db installed its optional peers (@nestjs/*, rxjs)" >&2; exit 1; }
before=$(du -sk node_modules | cut -f1)
nest_versions=$(cd "$root" && node -p '
  const dev = require("./package.json").devDependencies;
  ["@nestjs/common", "@nestjs/core", "rxjs"].map((name) => `${name}@${dev[name]}`).join(" ")')
# shellcheck disable=SC2086 # one word per package
npm install --no-save --prefer-offline --no-audit --no-fund --loglevel=error $nest_versions
after=$(du -sk node_modules | cut -f1)
cat > nest-consumer.ts <<'TS'
import { Module } from "@nestjs/common"
import { ConcreteDbModule, type ConcreteDbModuleOptions } from "concrete-db/nest"

const options: ConcreteDbModuleOptions = { migrate: true, session: { lockTimeoutMs: 5_000 } }
@Module({ imports: [ConcreteDbModule.forRoot(options)] })
export class AppModule {}
TS
# Compiled as consumer.ts is (CommonJS, node10 resolution: "typesVersions" finds the types).
"$root/node_modules/.bin/tsc" --strict --module commonjs --target ES2022 --experimentalDecorators \
  --lib ES2023,esnext.disposable --types node --typeRoots "$root/node_modules/@types" \
  --skipLibCheck --noEmit nest-consumer.ts
node -e '
  const nest = require("concrete-db/nest")
  const db = require("concrete-db")
  for (const name of ["ConcreteDbModule", "SessionFactory", "InjectSession", "ConcreteDbExceptionFilter"])
    if (typeof nest[name] !== "function") throw new Error(`concrete-db/nest has no ${name}`)
  // The same error classes as the package root: the filter recognises what the services throw.
  if (nest.concreteDbHttpError(new db.NotFoundError("User 1 does not exist.")).status !== 404)
    throw new Error("concrete-db/nest does not map the root entry'"'"'s NotFoundError to 404")
  console.log("concrete-db/nest loads with NestJS installed:", Object.keys(nest).length, "exports")
'
echo "NestJS peers ($nest_versions) added $(((after - before) / 1024)) MiB to node_modules"
