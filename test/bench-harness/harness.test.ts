// The benchmark harness's own arithmetic (test/bench is not part of the test run; these pure parts are).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { inFlight } from '../bench/support/in-flight.ts'
import { dockerfileCommand } from '../bench/support/production-bundle.ts'
import { REPO_ROOT } from '../bench/support/processes.ts'

const at = (endMs: number, durationMs: number) => ({ time: new Date(endMs).toISOString(), durationMs })

describe('inFlight', () => {
  it('counts overlapping requests and the time-weighted mean over the whole span', () => {
    // [0,100] and [50,150] overlap; [150,250] starts when the second ends (no overlap).
    expect(inFlight([at(100, 100), at(150, 100), at(250, 100)])).toEqual({ max: 2, mean: 1.2 })
  })

  it('is zero for an empty log', () => {
    expect(inFlight([])).toEqual({ max: 0, mean: 0 })
  })
})

describe('dockerfileCommand', () => {
  it('reads the worker and API commands of the repository Dockerfile', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'docker/Dockerfile'), 'utf8')
    expect(dockerfileCommand('worker', dockerfile)).toEqual({
      flags: ['--enable-source-maps', '--max-old-space-size=128'],
      entry: 'dist/main.js',
    })
    expect(dockerfileCommand('api', dockerfile)).toEqual({
      flags: ['--enable-source-maps'],
      entry: 'dist/server.js',
    })
  })

  it('refuses a stage without a node CMD', () => {
    expect(() => dockerfileCommand('worker', 'FROM runtime AS worker\nCMD ["sh", "run.sh"]\n')).toThrow(
      'docker/Dockerfile: the worker CMD is not "node … dist/<entry>.js"',
    )
  })
})
