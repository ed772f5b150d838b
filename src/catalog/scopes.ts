/**
 * OAuth scopes Roster knows, in Coupa's `service.object.right` form. A client is granted some
 * of them; a token carries those it asked for; each route needs one (http/route-scopes.ts). A
 * scope for an API Roster does not serve is known, grantable and carried, and opens nothing.
 */
export interface ScopeDef {
  readonly name: string;
  readonly description: string;
}

/**
 * Every scope Coupa publishes for its core API, as an OAuth2/OpenID Connect client's set-up
 * offers them: the 148 names of Coupa's standard set as integrations request it (IBM's
 * tool_guard Coupa client, `DEFAULT_SCOPES` in `eval/agent_ready_tools/clients/coupa_client.py`,
 * is one copy of the list), with the description Coupa's Swagger gives (`securityDefinitions`,
 * 68 of them; test/fixtures/coupa/coupa-core-users.swagger.json) where it gives one.
 */
const COUPA: ReadonlyArray<readonly [string, string?]> = [
  ['core.accounting.read', 'Allows to view accounts and related setup'],
  ['core.accounting.write', 'Allows to modifications to accounts'],
  ['core.approval.configuration.read'],
  ['core.approval.configuration.write'],
  ['core.approval.read', 'Allows approvals to be read'],
  ['core.approval.write', 'Allows approvals to be modified'],
  ['core.budget.read', 'Allows budgets to be read'],
  ['core.budget.write', 'Allows budgets to be modified'],
  ['core.business_entity.read', 'Allows business entities to be read'],
  ['core.business_entity.write', 'Allows business entities to be modified'],
  ['core.catalog.read', 'Allows catalog items to be read'],
  ['core.catalog.write'],
  ['core.comment.read', 'Allows comments to be read'],
  ['core.comment.write', 'Allows comments to be modified'],
  ['core.common.read', 'Allows to view Coupa core set up entities'],
  ['core.common.write', 'Allows to create or update Coupa core set up entities'],
  ['core.contract.read', 'Allows contracts to be read'],
  ['core.contract.write', 'Allows contracts to be modified'],
  ['core.contracts_template.read'],
  ['core.contracts_template.write'],
  ['core.easy_form.read'],
  ['core.easy_form.write'],
  ['core.easy_form_response.approval.write', 'Allows easy form response to modify approvals'],
  ['core.easy_form_response.read', 'Allows easy form responses to be read'],
  ['core.easy_form_response.write', 'Allows easy form responses to be modified'],
  ['core.expense.read', 'Allows to view expenses'],
  ['core.expense.secure.read'],
  ['core.expense.secure.write'],
  ['core.expense.write', 'Allows to create or update expenses'],
  ['core.financial_counterparty.read', 'Allows financial counterparty to be read'],
  ['core.financial_counterparty.write', 'Allows financial counterparty to be modified'],
  ['core.global_navigation.read'],
  ['core.integration.read', 'Allows integrations to be read'],
  ['core.integration.write', 'Allows integrations to be modified'],
  ['core.inventory.adjustment.read', 'Allows to view inventory adjustments'],
  ['core.inventory.adjustment.write', 'Allows to create or update inventory adjustments'],
  ['core.inventory.asn.read'],
  ['core.inventory.asn.write'],
  ['core.inventory.balance.read', 'Allows to view inventory on hand balances'],
  ['core.inventory.common.read', 'Allows to view inventory set up entities'],
  ['core.inventory.common.write', 'Allows to modify inventory set up entities'],
  ['core.inventory.consumption.read', 'Allows to view inventory consumptions'],
  ['core.inventory.consumption.write', 'Allows to create or update inventory consumptions'],
  ['core.inventory.cycle_counts.read'],
  ['core.inventory.cycle_counts.write'],
  ['core.inventory.pick_list.read'],
  ['core.inventory.pick_list.write'],
  ['core.inventory.receiving.read', 'Allows to view receipts'],
  ['core.inventory.receiving.write', 'Allows to create or update receipts'],
  ['core.inventory.return_to_supplier.read', 'Allows Return to supplier transaction to be read'],
  ['core.inventory.return_to_supplier.write', 'Allows Return to supplier transaction to be modified'],
  ['core.inventory.transaction.read'],
  ['core.inventory.transfer.read', 'Allows to view inventory transfers'],
  ['core.inventory.transfer.write', 'Allows to create or update inventory transfers'],
  ['core.invoice.approval.bypass'],
  ['core.invoice.approval.write'],
  ['core.invoice.create', 'Allows Invoice to be created'],
  ['core.invoice.delete'],
  ['core.invoice.read', 'Allows to view invoices'],
  ['core.invoice.write', 'Allows to create or modify invoices'],
  ['core.item.read'],
  ['core.item.write'],
  ['core.legal_entity.read', 'Allows legal entity to be read'],
  ['core.legal_entity.write', 'Allows legal entity to be modified'],
  ['core.notifications_summary.read'],
  ['core.notifications_summary.write'],
  ['core.object_translations.read', 'Allows object translations to be read'],
  ['core.object_translations.write', 'Allows object translations to be modified'],
  ['core.order_header_confirmations.read'],
  ['core.order_header_confirmations.write'],
  ['core.order_pad.read'],
  ['core.order_pad.write'],
  ['core.pay.charges.read'],
  ['core.pay.charges.write'],
  ['core.pay.payment_accounts.read'],
  ['core.pay.payments.read'],
  ['core.pay.payments.write'],
  ['core.pay.statements.read'],
  ['core.pay.statements.write'],
  ['core.pay.virtual_cards.read'],
  ['core.pay.virtual_cards.write'],
  ['core.payables.allocations.read', 'Allows Pay Allocations to be read'],
  ['core.payables.allocations.write', 'Allows Pay Allocations to be modified'],
  ['core.payables.expense.read'],
  ['core.payables.expense.write'],
  ['core.payables.external.read', 'Allows external payables to be read'],
  ['core.payables.external.write', 'Allows external payables to be modified'],
  ['core.payables.invoice.read', 'Allows Pay Invoices to be read'],
  ['core.payables.invoice.write', 'Allows Pay Invoices to be modified'],
  ['core.payables.order.read'],
  ['core.payables.order.write'],
  ['core.project.read', 'Allows projects to be read'],
  ['core.project.write', 'Allows projects to be modified'],
  ['core.punchout_site.read'],
  ['core.punchout_site.write'],
  ['core.purchase_order.read', 'Allows to view purchase orders'],
  ['core.purchase_order.write'],
  ['core.purchase_order_change.read'],
  ['core.purchase_order_change.write'],
  ['core.requisition.read'],
  ['core.requisition.write', 'Allows to create or modify requisitions'],
  ['core.revision_record.read'],
  ['core.sourcing.pending_supplier.read'],
  ['core.sourcing.pending_supplier.write'],
  ['core.sourcing.read'],
  ['core.sourcing.response.award.write'],
  ['core.sourcing.response.read'],
  ['core.sourcing.response.write'],
  ['core.sourcing.write'],
  ['core.supplier.read', 'Allows suppliers to be read'],
  ['core.supplier.risk_aware.read'],
  ['core.supplier.risk_aware.write'],
  ['core.supplier.write', 'Allows suppliers to be modified'],
  ['core.supplier_information_sites.read', 'Allows reading supplier information sites'],
  ['core.supplier_information_sites.write', 'Allows supplier information site data to be modified'],
  ['core.supplier_information_tax_registrations.delete', 'Allows supplier information tax registration data to be deleted'],
  ['core.supplier_information_tax_registrations.read', 'Allows reading supplier information tax registration'],
  ['core.supplier_information_tax_registrations.write', 'Allows supplier information tax registration data to be modified'],
  ['core.supplier_sharing_settings.read', 'Allows supplier sharing settings to be read'],
  ['core.supplier_sharing_settings.write', 'Allows supplier sharing settings to be modified'],
  ['core.supplier_sites.read'],
  ['core.supplier_sites.write'],
  ['core.translation.read'],
  ['core.translation.write'],
  ['core.uom.read'],
  ['core.uom.write'],
  ['core.user.read', 'Allows users to be read'],
  ['core.user.write', 'Allows users to be modified'],
  ['core.user_group.read', 'Allows user groups to be read'],
  ['core.user_group.write', 'Allows user groups to be modified'],
  ['email'],
  ['login'],
  ['offline_access'],
  ['openid'],
  ['profile'],
  ['travel_booking.common.read'],
  ['travel_booking.search.write'],
  ['travel_booking.team.read'],
  ['travel_booking.team.write'],
  ['travel_booking.trip.read'],
  ['travel_booking.trip.write'],
  ['travel_booking.user.read'],
  ['travel_booking.user.write'],
  ['treasury.cash_management.delete'],
  ['treasury.cash_management.read'],
  ['treasury.cash_management.write'],
  ['treasury.financial_instruments.money_market_fund.write'],
  ['treasury.financial_instruments.read'],
];

/**
 * What the scopes Roster serves open, said in full (the Swagger's words, with the resources),
 * and the OpenID Connect scopes Coupa issues beside the core ones: its Okta provisioning set-up
 * grants `openid` and `offline_access` (0021-Set_Up_Okta_User_Provisioning_with_OAuth_2.md),
 * and a client's "Oidc Scopes" add `email`, `profile` and `login`. These open no API route.
 */
const DESCRIBED: Readonly<Record<string, string>> = {
  'core.user.read': 'Read users: index, show and avatar',
  'core.user.write': 'Create and update users and their avatars',
  'core.common.read': 'Allows to view Coupa core set up entities: departments, roles, currencies, addresses, content groups',
  'core.common.write': 'Allows to create or update Coupa core set up entities: departments, roles, addresses, content groups',
  'core.accounting.read': 'Allows to view accounts and related setup: accounts, account types, account groups',
  'core.accounting.write': 'Allows to modifications to accounts: accounts, account types',
  'core.inventory.common.read': 'Allows to view inventory set up entities: warehouses, inventory organizations',
  openid: 'OpenID Connect: identify the client or user the token was issued to',
  offline_access: 'OpenID Connect: a token usable while the user is not present',
  email: 'OpenID Connect: the e-mail address of the user',
  profile: 'OpenID Connect: the name and profile of the user',
  login: 'OpenID Connect: the Coupa login of the user',
};

/** Seed 004 names the Worker API's two scopes, which Coupa's standard list does not hold. */
const WORKER_API: ReadonlyArray<readonly [string, string]> = [
  ['core.services_procurement.workers.read', 'Read workers'],
  ['core.services_procurement.workers.write', 'Create and update workers'],
];

const RIGHTS: Readonly<Record<string, string>> = {
  read: 'read',
  write: 'modified',
  create: 'created',
  delete: 'deleted',
  bypass: 'bypassed',
};

/**
 * A description for a scope Coupa's Swagger does not describe, in its words' pattern:
 * `core.budget.read` → "Allows budget to be read", `travel_booking.trip.write` → "Travel
 * booking: allows trip to be modified".
 */
function describe(name: string): string {
  const parts = name.split('.');
  const right = parts.pop() ?? '';
  const service = parts.shift() ?? '';
  const object = parts.join(' ').replaceAll('_', ' ');
  const sentence = `allows ${object} to be ${RIGHTS[right] ?? right}`;
  return service === 'core'
    ? sentence.replace(/^a/, 'A')
    : `${service.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase())}: ${sentence}`;
}

export const SCOPES: readonly ScopeDef[] = [...COUPA, ...WORKER_API].map(([name, swagger]) => ({
  name,
  description: DESCRIBED[name] ?? swagger ?? describe(name),
}));

const NAMES = new Set(SCOPES.map((s) => s.name));

export const isKnownScope = (name: string): boolean => NAMES.has(name);

/** Scope lists travel space-separated (RFC 6749 §3.3); empty items from extra spaces are dropped. */
export const splitScopes = (text: string): string[] => [...new Set(text.split(' ').filter((s) => s !== ''))];
