/** The error `promise` rejects with; throws `unexpected` (failing the test) when it resolves instead. */
export async function rejectionOf<E extends Error = Error>(
  promise: Promise<unknown>,
  unexpected = 'expected the call to fail',
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error(unexpected);
}
