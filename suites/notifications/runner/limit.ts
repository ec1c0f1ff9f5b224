/** At most `n` of the returned function's tasks run at once; the rest wait their turn in order. */
export function limit(n: number) {
  let active = 0
  const queue: Array<() => void> = []
  return async function slot<T>(work: () => Promise<T>): Promise<T> {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve))
    active++
    try {
      return await work()
    } finally {
      active--
      queue.shift()?.()
    }
  }
}
