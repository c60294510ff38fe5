// The customer table: one row per customer with its status, onboarding step, compliance, effective trust, the
// partner entry as the customer's admin center lists it, the mode and the last check.
import type { VerificationView } from '@crosstrust/core'
import type { CustomerListRow, CustomerSort } from '@crosstrust/services'
import { STEP_ACTIONS, modeLabel } from '../format.ts'
import { ComplianceBadge, OnboardingBadge, TimeAgo } from '../ui/badges.tsx'
import type { Column } from '../ui/data-table.tsx'
import { PARTNER_ENTRY_COLUMNS, partnerEntryColumns } from '../ui/partner-entry.tsx'
import { StatusBadge } from '../ui/customer-status.tsx'
import { TrustBadge } from '../ui/trust.tsx'

function TenantLine({ row }: { row: CustomerListRow }) {
  const domain = row.verifiedDomains[0] ?? row.expectedDomain
  const id = row.tenantId ?? row.expectedTenantId
  if (domain) return <span class="sub">{domain}</span>
  if (id) return <span class="sub mono">{id}</span>
  return <span class="sub muted">Tenant not known yet</span>
}

function StepCell({ row, now }: { row: CustomerListRow; now: Date }) {
  const step = row.currentStep
  if (row.onboardingState === 'onboarded' || step === null)
    return <OnboardingBadge state={row.onboardingState} />
  const failed = step.status === 'failed'
  return (
    <>
      <OnboardingBadge state={row.onboardingState} />{' '}
      <span class={`sub ${failed ? 'bad-text' : ''}`}>
        {failed ? 'Failed at: ' : 'Next: '}
        {STEP_ACTIONS[step.step] ?? step.step}
        {step.since ? (
          <>
            {' · '}
            <TimeAgo at={step.since} now={now} />
          </>
        ) : null}
      </span>
    </>
  )
}

/** The table's columns; the partner entry's three come from the shared partner-entry cell. */
export function customerColumns(props: {
  expected: VerificationView
  now: Date
  defaultMode: string
}): Column<CustomerListRow>[] {
  const { expected, now } = props
  return [
    {
      label: 'Customer',
      rowHeader: true,
      cellClass: 'name-cell',
      cell: (row) => (
        <>
          <a href={`/customers/${row.id}`}>{row.name}</a> <TenantLine row={row} />
        </>
      ),
    },
    { label: 'Status', cellClass: 'nowrap', cell: (row) => <StatusBadge status={row.status} /> },
    { label: 'Onboarding', cell: (row) => <StepCell row={row} now={now} /> },
    { label: 'Compliance', cell: (row) => <ComplianceBadge state={row.complianceState} /> },
    { label: 'Trust effective', cell: (row) => <TrustBadge trust={row.trust} /> },
    ...partnerEntryColumns((row: CustomerListRow) => row.verification, expected),
    { label: 'Mode', cellClass: 'nowrap', cell: (row) => modeLabel(row.mode, props.defaultMode) },
    {
      label: 'Last check',
      cellClass: 'nowrap',
      cell: (row) => <TimeAgo at={row.lastCheckAt} now={now} empty="Never" />,
    },
  ]
}

export function CustomerTableHead(props: { sort?: CustomerSort; order?: 'asc' | 'desc' }) {
  const sorted = (key: CustomerSort) =>
    props.sort === key ? (props.order === 'asc' ? 'ascending' : 'descending') : undefined
  return (
    <thead>
      <tr>
        <th scope="col" rowspan={2} aria-sort={sorted('name')}>
          Customer
        </th>
        <th
          scope="col"
          rowspan={2}
          title="Managed, Access needed, Removed by customer or partner, Error, Pending"
        >
          Status
        </th>
        <th scope="col" rowspan={2}>
          Onboarding
        </th>
        <th scope="col" rowspan={2}>
          Compliance
        </th>
        <th scope="col" rowspan={2} title="Will the partner's operators stop being prompted?">
          Trust effective
        </th>
        <th scope="colgroup" colspan={3} class="group">
          Entra admin center view (Organizational settings)
        </th>
        <th scope="col" rowspan={2}>
          Mode
        </th>
        <th scope="col" rowspan={2} class="nowrap" aria-sort={sorted('lastCheckAt')}>
          Last check
        </th>
      </tr>
      <tr>
        {PARTNER_ENTRY_COLUMNS.map(([, label]) => (
          <th scope="col" class="entry-head">
            {label}
          </th>
        ))}
      </tr>
    </thead>
  )
}
