import { describe, expect, it } from 'vitest'

import { SimShell, words } from './shell.ts'

function shell(command: string) {
  let output = ''
  let exitCode: number | undefined
  const sh = new SimShell(
    (text) => {
      output += text
    },
    (code) => {
      exitCode = code
    },
  )
  sh.start(command)
  const settle = () => new Promise((r) => setTimeout(r, 5))
  return { sh, output: () => output, exitCode: () => exitCode, settle }
}

describe('SimShell', () => {
  it('splits words with quotes as sh does, without expansion', () => {
    expect(words(`echo 'a b' "c d" e\\f`)).toEqual(['echo', 'a b', 'c d', 'e\\f'])
    expect(words('  ')).toEqual([])
  })

  it('runs scripts with ; and &&, and exits with the last status', async () => {
    const s = shell(`sh -c 'echo one; false && echo skipped; printf "two\\n"'`)
    await s.settle()
    expect(s.output()).toBe('one\r\ntwo\r\n')
    expect(s.exitCode()).toBe(0)
    const missing = shell('nosuchtool --flag')
    await missing.settle()
    expect(missing.output()).toBe('sh: 1: nosuchtool: not found\r\n')
    expect(missing.exitCode()).toBe(127)
  })

  it('keeps sleep running until Ctrl-C interrupts it', async () => {
    const s = shell('sleep 30')
    await s.settle()
    expect(s.exitCode()).toBeUndefined()
    s.sh.input('\x03')
    await s.settle()
    expect(s.exitCode()).toBe(130)
  })

  it('echoes the terminal input and copies it with dd to stdout, drops it with /dev/null', async () => {
    const copy = shell('dd if=/dev/stdin of=/dev/stdout bs=4 status=none')
    copy.sh.input('ab\n')
    expect(copy.output()).toBe('ab\r\nab\r\n')
    const sink = shell('dd if=/dev/stdin of=/dev/null bs=4 status=none')
    sink.sh.input('ab\n')
    expect(sink.output()).toBe('ab\r\n')
    sink.sh.input('\x03')
    await sink.settle()
    expect(sink.exitCode()).toBe(130)
  })

  it('is an interactive prompt without a command: echo, backspace, Ctrl-C, exit', async () => {
    const s = shell('')
    expect(s.output()).toBe('$ ')
    s.sh.input('echo hx\x7fi\r')
    await s.settle()
    expect(s.output()).toBe('$ echo hx\b \bi\r\nhi\r\n$ ')
    s.sh.input('abc\x03')
    expect(s.output().endsWith('abc^C\r\n$ ')).toBe(true)
    s.sh.input('exit 3\n')
    await s.settle()
    expect(s.exitCode()).toBe(3)
  })
})
