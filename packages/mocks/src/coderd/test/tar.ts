// Test-only: a ustar archive of small text files, as a template upload.
export function tarOf(files: Record<string, string>): Uint8Array {
  const parts: Buffer[] = []
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content, 'utf8')
    const header = Buffer.alloc(512)
    header.write(name, 0, 100)
    header.write('0000644\0', 100)
    header.write('0000000\0', 108)
    header.write('0000000\0', 116)
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124)
    header.write('00000000000\0', 136)
    header.fill(0x20, 148, 156)
    header[156] = 0x30
    header.write('ustar\0', 257)
    header.write('00', 263)
    const sum = header.reduce((n, b) => n + b, 0)
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
    parts.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  parts.push(Buffer.alloc(1024))
  return new Uint8Array(Buffer.concat(parts))
}

export const AGENT_TEMPLATE = `
resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
resource "coder_app" "web" {
  agent_id = coder_agent.main.id
  slug     = "code-server"
}
resource "docker_container" "workspace" {
  env = ["CODER_AGENT_TOKEN=\${coder_agent.main.token}"]
}
`

export const EXTERNAL_AGENT_TEMPLATE = `
resource "coder_agent" "ext" {
  os   = "linux"
  arch = "arm64"
}
resource "coder_external_agent" "box" {
  agent_id = coder_agent.ext.id
}
`

// The parameter chain of Coder's scaletest/dynamicparameters/tf (main.tf + modules/two), trimmed
// to what the simulator reads: the parameter blocks and the module.
export const DYNAMIC_PARAMETERS_MAIN_TF = `# cache buster: abc
data "coder_workspace_owner" "me" {}
data "coder_parameter" "zero" {
  name = "zero"
  default = "A"
}
data "coder_parameter" "one" {
  name = "One"
}
module "two" {
  source = "./modules/two"
  one_value = data.coder_parameter.one.value
}
data "coder_parameter" "three" {
  name = "Three"
}
data "coder_parameter" "four" {
  name = "four"
}
`
export const DYNAMIC_PARAMETERS_FILES = {
  'main.tf': DYNAMIC_PARAMETERS_MAIN_TF,
  'modules/two/main.tf': 'data "coder_parameter" "two" {}',
  '.terraform/modules/modules.json': JSON.stringify({ Modules: [{ Key: 'two', Dir: 'modules/two' }] }),
}
