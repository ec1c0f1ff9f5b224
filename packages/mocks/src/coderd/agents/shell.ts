// The simulated shell behind a reconnecting PTY: enough of `sh` for the commands scale tests send.
// `echo`, `printf`, `sleep`, `cat`, `true`/`false`, `exit`, `sh -c '…'`, and the `dd` sink that
// workspace-traffic runs (`dd if=/dev/stdin of=/dev/stdout|/dev/null bs=N status=none`: copies
// or swallows stdin until Ctrl-C, the terminal echoing input either way). Without a command it is an interactive shell with a `$ ` prompt
// and terminal echo. Scripts split on `;`, `&&` and newlines; there are no pipes or variables.

const CTRL_C = '\x03'
const PROMPT = '$ '

type Reader = (data: string) => void

export class SimShell {
  #write: (text: string) => void
  #exit: (code: number) => void
  #stdin: Reader | undefined
  #interrupt: (() => void) | undefined
  #timers = new Set<NodeJS.Timeout>()
  #line = ''
  #closed = false

  constructor(write: (text: string) => void, exit: (code: number) => void) {
    this.#write = write
    this.#exit = exit
  }

  /** Runs `command` as the PTY's process (Coder runs it through the shell) and exits with it. */
  start(command: string): void {
    if (command.trim() === '') {
      this.#stdin = (data) => this.#edit(data)
      this.#write(PROMPT)
      return
    }
    void this.#script(command).then((code) => this.#finish(code))
  }

  input(data: string): void {
    if (this.#closed) return
    if (data.includes(CTRL_C) && this.#interrupt) {
      this.#interrupt()
      return
    }
    this.#stdin?.(data)
  }

  close(): void {
    this.#closed = true
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    this.#interrupt?.()
  }

  #finish(code: number): void {
    if (this.#closed) return
    this.#closed = true
    this.#exit(code)
  }

  /** The interactive line editor: echo, Ctrl-C, Enter runs the line. */
  #edit(data: string): void {
    for (const c of data) {
      if (c === '\r' || c === '\n') {
        this.#write('\r\n')
        const line = this.#line
        this.#line = ''
        const editor = this.#stdin
        this.#stdin = undefined
        void this.#script(line).then((code) => {
          if (code === EXIT) return
          this.#stdin = editor
          this.#write(PROMPT)
        })
        return
      }
      if (c === CTRL_C) {
        this.#line = ''
        this.#write(`^C\r\n${PROMPT}`)
      } else if (c === '\x7f') {
        if (this.#line.length > 0) {
          this.#line = this.#line.slice(0, -1)
          this.#write('\b \b')
        }
      } else {
        this.#line += c
        this.#write(c)
      }
    }
  }

  async #script(source: string): Promise<number> {
    let code = 0
    for (const { command, needsSuccess } of splitScript(source)) {
      if (needsSuccess && code !== 0) continue
      if (this.#closed) return code
      const argv = words(command)
      if (argv.length === 0) continue
      if (argv[0] === 'exit') {
        this.#finish(Number(argv[1] ?? code) || 0)
        return EXIT
      }
      code = await this.#exec(argv)
    }
    return code
  }

  async #exec(argv: string[]): Promise<number> {
    const [name, ...args] = argv as [string, ...string[]]
    switch (name) {
      case 'echo': {
        const newline = args[0] !== '-n'
        this.#write(`${(newline ? args : args.slice(1)).join(' ')}${newline ? '\r\n' : ''}`)
        return 0
      }
      case 'printf':
        this.#write(printfEscapes(args[0] ?? '').replaceAll('\n', '\r\n'))
        return 0
      case 'true':
        return 0
      case 'false':
        return 1
      case 'sleep':
        return this.#sleep(Number(args[0]) * 1000)
      case 'cat':
        return this.#sink(true)
      case 'dd': {
        const of = args.find((a) => a.startsWith('of='))?.slice(3) ?? '/dev/stdout'
        return this.#sink(of === '/dev/stdout')
      }
      case 'sh':
      case 'bash':
        if (args[0] === '-c') return this.#script(args[1] ?? '')
        return this.#sink(false)
      default:
        this.#write(`sh: 1: ${name}: not found\r\n`)
        return 127
    }
  }

  /**
   * Reads stdin until Ctrl-C, copying it to stdout or dropping it (/dev/null). The terminal echoes
   * every input byte either way (a PTY's line discipline, ECHO and ONLCR on), so with stdout the
   * reader sees its bytes twice, as Coder's workspace-traffic notes for `--ssh` with a PTY.
   */
  #sink(toStdout: boolean): Promise<number> {
    return new Promise((resolve) => {
      const previous = this.#stdin
      this.#stdin = (data) => {
        const terminal = data.replace(/\r?\n/g, '\r\n')
        this.#write(toStdout ? terminal + terminal : terminal)
      }
      this.#interrupt = () => {
        this.#interrupt = undefined
        this.#stdin = previous
        resolve(130)
      }
    })
  }

  #sleep(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0) {
      this.#write('sleep: invalid time interval\r\n')
      return Promise.resolve(1)
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        this.#interrupt = undefined
        resolve(0)
      }, ms)
      this.#timers.add(timer)
      this.#interrupt = () => {
        clearTimeout(timer)
        this.#timers.delete(timer)
        this.#interrupt = undefined
        resolve(130)
      }
    })
  }
}

const EXIT = -1

function splitScript(source: string): { command: string; needsSuccess: boolean }[] {
  const out: { command: string; needsSuccess: boolean }[] = []
  let current = ''
  let quote: string | undefined
  let needsSuccess = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!
    if (quote) {
      if (c === quote) quote = undefined
      current += c
    } else if (c === '"' || c === "'") {
      quote = c
      current += c
    } else if (c === ';' || c === '\n') {
      out.push({ command: current, needsSuccess })
      current = ''
      needsSuccess = false
    } else if (c === '&' && source[i + 1] === '&') {
      out.push({ command: current, needsSuccess })
      current = ''
      needsSuccess = true
      i++
    } else current += c
  }
  out.push({ command: current, needsSuccess })
  return out.filter((part) => part.command.trim() !== '')
}

/** Shell words with single and double quotes (no expansion). */
export function words(command: string): string[] {
  const out: string[] = []
  let current: string | undefined
  let quote: string | undefined
  for (const c of command) {
    if (quote) {
      if (c === quote) quote = undefined
      else current = (current ?? '') + c
    } else if (c === '"' || c === "'") {
      quote = c
      current ??= ''
    } else if (/\s/.test(c)) {
      if (current !== undefined) out.push(current)
      current = undefined
    } else current = (current ?? '') + c
  }
  if (current !== undefined) out.push(current)
  return out
}

function printfEscapes(format: string): string {
  return format.replace(/\\(n|t|r|\\)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\' })[c]!)
}
