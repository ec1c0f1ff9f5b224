import { accessSync, constants } from 'node:fs'

/** The path of a required external binary; throws (the test FAILS, never skips) when it is missing. */
export function requireBinary(path: string, debianPackage: string): string {
  try {
    accessSync(path, constants.X_OK)
    return path
  } catch {
    throw new Error(
      `${path} is missing or not executable: install the Debian package "${debianPackage}" (apt-get install ${debianPackage})`,
    )
  }
}
