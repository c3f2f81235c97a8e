import { In, IsNull, Not } from "typeorm"
import { Message, Operator } from "../../../src"
import { ValidationError } from "../../../src/errors"
import { checkFindOptions } from "../../../src/internal/read/find-options-check"
import { DIALECTS, offlinePlans, type OfflinePlans } from "../support/offline-plans"

describe.each(DIALECTS)("checkFindOptions on %s", (kind) => {
  let offline: OfflinePlans
  beforeAll(async () => {
    offline = await offlinePlans(kind)
  })
  const check = (options: unknown, target: typeof Operator | typeof Message = Operator) =>
    checkFindOptions(offline.dataSource.getMetadata(target), options)
  const issues = (options: unknown) => {
    try {
      check(options)
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError)
      return (error as ValidationError).issues
    }
    throw new Error("the options were accepted")
  }

  it("accepts what TypeORM's find understands", () => {
    const accepted: unknown[] = [
      undefined,
      {},
      { where: { name: "x", orchestratorId: undefined }, order: { name: "desc", id: 1 } },
      { where: [{ name: "x" }, { title: Not(IsNull()) }], take: 0, skip: 10 },
      { where: { id: In(["a"]) }, select: { id: true }, relations: { orchestrator: true } },
      { where: { orchestrator: { user: { email: "a@b.c" } } } },
      { order: { orchestrator: { name: "ASC" }, title: { direction: "DESC", nulls: "LAST" } } },
      { take: undefined, skip: null },
    ]
    for (const options of accepted) expect(() => check(options)).not.toThrow()
  })

  it.each([
    [{ where: { nope: 1 } }, "Operator.where.nope", /is not a column or relation of Operator/],
    [{ where: [{ name: "x" }, { nope: 1 }] }, "Operator.where.nope", /Operator/],
    [{ where: { orchestrator: { nope: 1 } } }, "Operator.where.orchestrator.nope", /Orchestrator/],
    [{ where: "name = 'x'" }, "Operator.where", /must be an object/],
    [{ order: { nope: "ASC" } }, "Operator.order.nope", /is not a column or relation/],
    [{ order: { name: "SIDEWAYS" } }, "Operator.order.name", /"ASC", "DESC", 1 or -1/],
    [{ order: { name: { direction: "UP" } } }, "Operator.order.name", /"ASC"/],
    [{ order: { name: 2 } }, "Operator.order.name", /not 2/],
    [{ skip: -1 }, "Operator.skip", /whole number from 0 up, not -1/],
    [{ skip: 1.5 }, "Operator.skip", /not 1.5/],
    [{ skip: "10" }, "Operator.skip", /not "10"/],
    [{ take: -5 }, "Operator.take", /not -5/],
    [{ take: 0.5 }, "Operator.take", /not 0.5/],
    [{ take: Infinity }, "Operator.take", /not Infinity/],
    [{ take: NaN }, "Operator.take", /not NaN/],
    [{ take: 2 ** 60 }, "Operator.take", /whole number/],
  ])("refuses %j naming %s", (options, property, reason) => {
    const found = issues(options)
    expect(found.map((issue) => issue.property)).toEqual([property])
    expect(found[0]!.reasons.join()).toMatch(reason)
  })

  it("names every bad option in one error, its message naming the entity", () => {
    let error: unknown
    try {
      check({ where: { nope: 1 }, order: { worse: "ASC" }, skip: -1, take: Infinity }, Message)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((issue) => issue.property)).toEqual([
      "Message.where.nope",
      "Message.order.worse",
      "Message.skip",
      "Message.take",
    ])
    expect((error as Error).message).toMatch(/^Invalid input: Message\.where\.nope /)
  })
})
