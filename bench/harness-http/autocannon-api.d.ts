// The part of autocannon's programmatic API that bench/harness-http/autocannon.ts uses (it ships no types).
declare module 'autocannon' {
  interface Result {
    requests: { total: number }
    errors: number
    non2xx: number
  }
  export default function autocannon(options: {
    url: string
    connections: number
    duration: number
  }): Promise<Result>
}
