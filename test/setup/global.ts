// Runs once per vitest run, before any test file. Steps are added by the packages that need them.
export default function setup(): void {}
