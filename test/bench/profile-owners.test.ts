import {
  byFile,
  ownerOf,
  selfTimes,
  type CpuProfile,
  type Ownership,
} from "../../bench/profile-owners"

const ownership: Ownership = {
  root: "/repo",
  driverPackages: new Set(["better-sqlite3", "bindings"]),
  nativeCalls: "driver",
}

const frame = (functionName: string, url: string, scriptId = "1") => ({
  functionName,
  url,
  scriptId: url ? scriptId : "0",
  lineNumber: 9,
})

describe("ownerOf", () => {
  it("tells the package, TypeORM, the driver, the bench and node apart by path", () => {
    expect(ownerOf(frame("find", "file:///repo/src/session.ts"), ownership)).toBe("package")
    expect(ownerOf(frame("f", "/repo/node_modules/typeorm/index.js"), ownership)).toBe("typeorm")
    expect(ownerOf(frame("f", "/repo/node_modules/bindings/b.js"), ownership)).toBe("driver")
    expect(ownerOf(frame("f", "/repo/node_modules/pg/lib/client.js"), ownership)).toBe("node/other")
    expect(ownerOf(frame("run", "/repo/bench/run.ts"), ownership)).toBe("bench")
    expect(ownerOf(frame("emit", "node:events"), ownership)).toBe("node/other")
  })

  it("names V8's own entries and leaves native functions to their caller", () => {
    expect(ownerOf(frame("(garbage collector)", ""), ownership)).toBe("gc")
    expect(ownerOf(frame("(idle)", ""), ownership)).toBe("idle")
    expect(ownerOf(frame("all", ""), ownership)).toBeUndefined()
  })
})

describe("selfTimes", () => {
  // root → find (src) → rows (src) → all (native); find → emit (node) → write (native).
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)", ""), children: [2, 6] },
      { id: 2, callFrame: frame("find", "/repo/src/find.ts"), children: [3, 4] },
      { id: 3, callFrame: frame("rows", "/repo/src/rows.ts"), children: [5] },
      { id: 4, callFrame: frame("emit", "node:events"), children: [7] },
      { id: 5, callFrame: frame("all", "") },
      { id: 6, callFrame: frame("(garbage collector)", "") },
      { id: 7, callFrame: frame("write", "") },
    ],
    samples: [2, 3, 5, 5, 7, 6],
    timeDeltas: [0, 1000, 2000, 3000, 4000, 5000],
  }

  it("sums each sample's time to the next one by owner, natives by their caller", () => {
    const times = selfTimes([profile], ownership)
    expect(times.byOwner.package).toBe(1)
    expect(times.byOwner["driver call"]).toBe(2)
    expect(times.byOwner.driver).toBe(7)
    expect(times.byOwner["node/other"]).toBe(5)
    expect(times.byOwner.gc).toBe(0)
    expect(times.totalMs).toBe(15)
    expect(times.byFunction[0]).toEqual({ owner: "driver", name: "all (native)", ms: 7 })
    expect(times.byFunction).toContainEqual({
      owner: "package",
      name: "find src/find.ts:10",
      ms: 1,
    })
  })

  it("counts a native function as node's when the driver is JavaScript", () => {
    const times = selfTimes([profile], { ...ownership, nativeCalls: "node/other" })
    expect(times.byOwner.driver).toBe(0)
    expect(times.byOwner.package).toBe(3)
    expect(times.byOwner["node/other"]).toBe(12)
  })
})

describe("byFile", () => {
  it("sums one owner's functions by the file in their names", () => {
    const files = byFile(
      [
        { owner: "package", name: "a src/x.ts:3", ms: 1 },
        { owner: "package", name: "(anonymous) src/y.ts:9", ms: 4 },
        { owner: "package", name: "b src/x.ts:20", ms: 2 },
        { owner: "driver", name: "all (native)", ms: 8 },
      ],
      "package",
    )
    expect(files).toEqual([
      { file: "src/y.ts", ms: 4 },
      { file: "src/x.ts", ms: 3 },
    ])
  })
})
