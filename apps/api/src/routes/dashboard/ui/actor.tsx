import type { AuditEventView } from '@crosstrust/services'
import { actorWords } from '../audit/wording.ts'

/** Who did it, with the kind of actor underneath unless the name already says it. */
export function ActorCell({ event }: { event: Pick<AuditEventView, 'actorType' | 'actorName' | 'actorId'> }) {
  const { name, type } = actorWords(event)
  return (
    <>
      {name}
      {type === null ? null : <span class="sub">{type}</span>}
    </>
  )
}
