type ErrorClass<E> = abstract new (...args: never[]) => E

/** The error `run` throws, which must be a `Type` (the test fails on none, or another). */
export function thrown<E extends Error>(Type: ErrorClass<E>, run: () => unknown): E {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(Type)
    return error as E
  }
  throw new Error(`expected a ${Type.name}, but nothing was thrown`)
}

/** The error `promise` rejects with, which must be a `Type` (the test fails on none, or another). */
export async function rejection<E extends Error>(
  Type: ErrorClass<E>,
  promise: Promise<unknown>,
): Promise<E> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(Type)
    return error as E
  }
  throw new Error(`expected a ${Type.name}, but the promise resolved`)
}
