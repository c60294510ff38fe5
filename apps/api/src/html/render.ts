// The one way a page becomes HTML: a JSX tree (hono/jsx) rendered to a string on the server. Every text
// child and attribute value is escaped; `raw()` and `dangerouslySetInnerHTML` are the only raw paths and
// nothing here uses them. Components are synchronous, so the result is a string, never a stream.
import type { JSX } from 'hono/jsx/jsx-runtime'

function rendered(tree: JSX.Element): string {
  if (tree instanceof Promise) throw new Error('Pages render synchronously: no async component.')
  return tree.toString()
}

/** A whole document: the doctype, then the element tree (normally a `Layout`). */
export function renderDocument(tree: JSX.Element): string {
  return `<!doctype html>${rendered(tree)}`
}

/** A fragment, with the same escaping as a whole document (used by tests of single sections). */
export function renderFragment(tree: JSX.Element): string {
  return rendered(tree)
}
