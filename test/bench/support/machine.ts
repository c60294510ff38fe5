// The machine a number was measured on: every figure in BENCHMARKS.md carries this line.
import { cpus, totalmem } from 'node:os'

export interface MachineInfo {
  cpuModel: string
  cores: number
  memoryGb: number
  node: string
  date: string
}

export function machineInfo(): MachineInfo {
  const cpu = cpus()
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    date: new Date().toISOString(),
  }
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpuModel}, ${String(m.cores)} cores, ${String(m.memoryGb)} GB RAM, Node ${m.node}, ${m.date}`
}
