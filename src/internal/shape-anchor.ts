// V8 holds an object's hidden class (its map) only through the objects that have it and the
// optimized code that was specialized on it, weakly. A class whose instances all die between two
// uses, as a session per commit's do, loses its maps at the next full GC: every function
// optimized for them is thrown away ("weak objects" in --trace-deopt) and the next 1,000–2,000
// commits run about 2-3 times slower while V8 learns the same shapes again. One instance kept
// alive per class keeps its maps, and with them the optimized code.

const kept: object[] = []

/** Keeps `instance` alive for good: an instance that holds nothing, built for its class's maps. */
export function keepShapeOf(instance: object): void {
  kept.push(instance)
}

/**
 * Keeps one instance of a class alive per `owner` (its data source), the first one given: the
 * instance holds what the class's later instances hold of that owner, and nothing after it goes.
 */
export function shapeAnchor(): (owner: object, instance: object) => void {
  const anchors = new WeakMap<object, object>()
  return (owner, instance) => {
    if (!anchors.has(owner)) anchors.set(owner, instance)
  }
}
