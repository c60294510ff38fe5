// The overview: where every customer stands (counts by onboarding state, compliance and mode, each a link
// to the filtered list) and what needs a person now (failed onboarding, drift, lost access, entries the
// customer removed, consent links about to expire), each with its reason and since when.
import type { AttentionItem, AttentionReason } from '@crosstrust/services'
import { exactTime, plural } from '../format.ts'
import { Badge, ComplianceBadge, OnboardingBadge, TimeAgo } from '../ui/badges.tsx'
import { DataTable, type Column } from '../ui/data-table.tsx'
import { PageHead } from '../ui/page-parts.tsx'
import { REASON_FILTERS, type OverviewView, type StatList, type Tile } from './presenter.ts'

const FALLBACKS: Record<AttentionReason, string> = {
  failed_onboarding: 'Onboarding failed: the customer’s page shows the step and the reason.',
  drifted: 'The partner settings in the customer’s tenant differ from the policy.',
  access_lost: 'Consent was revoked or the app was removed from the customer’s tenant.',
  removed_by_customer: 'The customer deleted our partner entry from their cross-tenant access settings.',
  link_expiring: 'The consent link has not been used yet.',
}

function ReasonBadge({ reason }: { reason: AttentionReason }) {
  if (reason === 'failed_onboarding') return <OnboardingBadge state="failed" />
  if (reason === 'link_expiring') return <Badge label="Link expiring" tone="warn" />
  return <ComplianceBadge state={reason} />
}

const ATTENTION_COLUMNS: Column<AttentionItem>[] = [
  {
    label: 'Customer',
    rowHeader: true,
    cell: (item) => <a href={`/customers/${item.customerId}`}>{item.name}</a>,
  },
  { label: 'Status', cell: (item) => <ReasonBadge reason={item.reason} /> },
  { label: 'Reason', cellClass: 'reason', cell: (item) => item.detail ?? FALLBACKS[item.reason] },
]

function attentionColumns(now: Date): Column<AttentionItem>[] {
  return [
    ...ATTENTION_COLUMNS,
    {
      label: 'When',
      cellClass: 'nowrap',
      cell: (item) => (
        <>
          {item.reason === 'link_expiring' ? 'expires ' : 'since '}
          <TimeAgo at={item.at} now={now} />
        </>
      ),
    },
  ]
}

function TileLink({ tile }: { tile: Tile }) {
  return (
    <a class={`stat ${tile.tone}`} href={tile.href}>
      <span class="n">{tile.n.toLocaleString('en-US')}</span>
      <span class="l">{tile.label}</span>
      <span class="hint">{tile.hint}</span>
    </a>
  )
}

function StatListPanel({ list }: { list: StatList }) {
  return (
    <section class="panel stat-list" aria-labelledby={list.id}>
      <h2 id={list.id}>{list.title}</h2>
      <ul>
        {list.entries.map((e) => (
          <li data-key={e.key} class={e.n === 0 ? 'zero' : ''}>
            <a href={e.href}>
              <span class="label">{e.label}</span>
              <span class="bar" aria-hidden="true">
                <span class={`fill ${e.tone} w-${e.width}`}></span>
              </span>
              <span class="n">{e.n.toLocaleString('en-US')}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  )
}

function Attention({ view }: { view: OverviewView }) {
  const reasons = Object.keys(REASON_FILTERS) as AttentionReason[]
  return (
    <section class="panel attention" aria-labelledby="attention">
      <div class="section-head">
        <h2 id="attention">Needs attention</h2>
        <span class={`count ${view.attentionTotal > 0 ? 'bad' : 'ok'}`}>
          {view.attentionTotal === 0 ? 'All clear' : plural(view.attentionTotal, 'item')}
        </span>
      </div>
      <DataTable
        rows={view.items}
        columns={attentionColumns(view.now)}
        label="Customers that need attention"
        rowAttributes={(item) => ({ 'data-reason': item.reason })}
        empty={
          <p class="all-clear">
            Nothing needs attention: no failed onboarding, drift, lost access or expiring links.
          </p>
        }
      />
      {view.hidden > 0 ? (
        <p class="more">
          {plural(view.hidden, 'more item')} not shown. Filter the list:{' '}
          {reasons.map((k, n) => (
            <>
              {n > 0 ? ' · ' : ''}
              <a href={REASON_FILTERS[k].filter}>{REASON_FILTERS[k].label}</a>
            </>
          ))}
        </p>
      ) : null}
    </section>
  )
}

export function OverviewPage({ view }: { view: OverviewView }) {
  return (
    <>
      <PageHead title="Overview" newCustomer={view.canCreate} />
      <div class="tiles">
        {view.tiles.map((t) => (
          <TileLink tile={t} />
        ))}
      </div>
      <Attention view={view} />
      <div class="stat-lists">
        {view.lists.map((l) => (
          <StatListPanel list={l} />
        ))}
      </div>
      <p class="muted counts-as-of">
        Figures as of <time datetime={view.countsAsOf.toISOString()}>{exactTime(view.countsAsOf)}</time>
        {view.countsAgeSeconds > 0 ? ` (${plural(view.countsAgeSeconds, 'second')} ago)` : ''}; they are
        reused for up to 5 seconds.
      </p>
    </>
  )
}
