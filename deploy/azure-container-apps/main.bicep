// AcumaticaZendesk on Azure Container Apps with Dapr.
//
//   az deployment group create -g <rg> -f deploy/azure-container-apps/main.bicep \
//     -p deploy/azure-container-apps/main.example.bicepparam
//
// Creates: Log Analytics + Application Insights; three user-assigned identities (one per app, one for the
// components both apps load); two Key Vaults, each readable by one app's identity only: the worker's
// (connector-secrets, scoped to sync-worker) and the receiver's, holding only the webhook secrets it checks
// (webhook-secrets, scoped to webhook-receiver); Service Bus (connector-pubsub); Azure Database for PostgreSQL
// flexible server (connector-state, also the workflow/actor store; never Cosmos DB, which Dapr does not support for
// workflows); the Container Apps environment with the Dapr components (plus sync-cron, scoped to sync-worker) and
// both apps. Only webhook-receiver has external ingress; sync-worker's operator API is reachable inside the
// environment only. No secret is passed or stored here: every component authenticates with a managed identity.

targetScope = 'resourceGroup'

@description('Azure region; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Short lowercase prefix of every resource name, e.g. "azd-prod".')
@minLength(3)
@maxLength(12)
param namePrefix string

@description('sync-worker image, e.g. myregistry.azurecr.io/acumatica-zendesk/sync-worker:1.0.0.')
param syncWorkerImage string

@description('webhook-receiver image, e.g. myregistry.azurecr.io/acumatica-zendesk/webhook-receiver:1.0.0.')
param webhookReceiverImage string

@description('Existing Azure Container Registry in this resource group to pull from with the identity; empty for a public registry.')
param containerRegistryName string = ''

@description('Minutes between sync runs of a tenant: the ONE setting behind both the sync-cron schedule (wall-clock aligned, UTC) and SyncSchedule__Interval of sync-worker.')
@allowed([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30])
param syncIntervalMinutes int = 5

@description('sync-worker replicas (fixed; at least 1, the cron binding needs a running replica).')
@minValue(1)
@maxValue(10)
param syncWorkerReplicas int = 1

@description('webhook-receiver replica range (HTTP-concurrency autoscaling).')
@minValue(1)
param webhookReceiverMinReplicas int = 1

@maxValue(30)
param webhookReceiverMaxReplicas int = 5

param tags object = {}

@description('Secrets of the worker\'s Key Vault (connector-secrets, "--" for ":"): every secret but the webhook ones; listed in the output keyVaultSecretsToCreate.')
param keyVaultSecretNames array = []

@description('Secrets of the receiver\'s Key Vault (webhook-secrets): per tenant only tenants--{id}--zendesk--webhook-signing-secret and tenants--{id}--acumatica--push-secret (and their -previous during a rotation); listed in the output webhookKeyVaultSecretsToCreate.')
param webhookKeyVaultSecretNames array = []

var allTags = union(tags, { application: 'acumatica-zendesk' })

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { location: location, namePrefix: namePrefix, tags: allTags }
}

// One identity per app, for what only that app may reach (its secrets, AcrPull), and one for the components both
// apps load (connector-state, connector-pubsub), which carry a single azureClientId. The shared one keeps the name
// the single identity of earlier versions had, so an update keeps the PostgreSQL administrator.
module syncWorkerIdentity 'modules/identity.bicep' = {
  name: 'identity-sync-worker'
  params: { location: location, name: 'id-${namePrefix}-sync-worker', tags: allTags }
}

module webhookReceiverIdentity 'modules/identity.bicep' = {
  name: 'identity-webhook-receiver'
  params: { location: location, name: 'id-${namePrefix}-webhook-receiver', tags: allTags }
}

module sharedIdentity 'modules/identity.bicep' = {
  name: 'identity'
  params: { location: location, name: 'id-${namePrefix}', tags: allTags }
}

// The worker's secrets; only the worker's identity reads them.
module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    name: take('kv-${namePrefix}-${uniqueString(resourceGroup().id)}', 24)
    readerPrincipalId: syncWorkerIdentity.outputs.principalId
    tags: allTags
  }
}

// The receiver's secrets (webhook signing and push secrets only); only the receiver's identity reads them. A vault of
// its own rather than role assignments on single secrets: a secret that does not exist yet (a tenant onboarded
// later, an unknown tenant, a -previous that is not set) then answers "not found", which the receiver turns into its
// uniform 401, and onboarding a tenant needs no new role assignment (docs/security.md).
module webhookKeyVault 'modules/keyvault.bicep' = {
  name: 'keyvault-webhooks'
  params: {
    location: location
    name: take('kvwh-${namePrefix}-${uniqueString(resourceGroup().id)}', 24)
    readerPrincipalId: webhookReceiverIdentity.outputs.principalId
    tags: allTags
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: { location: location, namePrefix: namePrefix, principalId: sharedIdentity.outputs.principalId, tags: allTags }
}

module postgresql 'modules/postgresql.bicep' = {
  name: 'postgresql'
  params: {
    location: location
    namePrefix: namePrefix
    principalId: sharedIdentity.outputs.principalId
    principalName: sharedIdentity.outputs.name
    tags: allTags
  }
}

// Each app pulls its image with its own identity.
module syncWorkerRegistryPull 'modules/registry-pull.bicep' = if (!empty(containerRegistryName)) {
  name: 'registry-pull-sync-worker'
  params: { registryName: containerRegistryName, principalId: syncWorkerIdentity.outputs.principalId }
}

module webhookReceiverRegistryPull 'modules/registry-pull.bicep' = if (!empty(containerRegistryName)) {
  name: 'registry-pull-webhook-receiver'
  params: { registryName: containerRegistryName, principalId: webhookReceiverIdentity.outputs.principalId }
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  params: {
    location: location
    namePrefix: namePrefix
    tags: allTags
    workspaceName: monitoring.outputs.workspaceName
    appInsightsName: monitoring.outputs.appInsightsName
    sharedIdentityClientId: sharedIdentity.outputs.clientId
    sharedIdentityName: sharedIdentity.outputs.name
    syncWorkerIdentityClientId: syncWorkerIdentity.outputs.clientId
    webhookReceiverIdentityClientId: webhookReceiverIdentity.outputs.clientId
    keyVaultName: keyVault.outputs.name
    webhookKeyVaultName: webhookKeyVault.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    postgresHost: postgresql.outputs.host
    postgresDatabaseName: postgresql.outputs.databaseName
    // SyncCronSchedule.For: every replica's binding fires at the start of each slot (never @every, which counts
    // from each sidecar's start).
    syncSchedule: 'CRON_TZ=UTC 0 */${syncIntervalMinutes} * * * *'
  }
}

var registryServer = empty(containerRegistryName) ? '' : syncWorkerRegistryPull!.outputs.loginServer

module syncWorker 'modules/container-app.bicep' = {
  name: 'sync-worker'
  params: {
    location: location
    tags: allTags
    name: '${namePrefix}-sync-worker'
    daprAppId: 'sync-worker'
    environmentId: environment.outputs.id
    identityId: syncWorkerIdentity.outputs.id
    identityClientId: syncWorkerIdentity.outputs.clientId
    sharedIdentityId: sharedIdentity.outputs.id
    image: syncWorkerImage
    registryServer: registryServer
    ingress: 'internal'
    minReplicas: syncWorkerReplicas
    maxReplicas: syncWorkerReplicas
    settings: {
      SyncSchedule__Interval: '00:${padLeft(string(syncIntervalMinutes), 2, '0')}:00'
      // No Dapr Configuration resource here, so no stateRetentionPolicy: the worker purges finished workflow
      // instances itself, after the Kubernetes policy's durations (WorkflowRetentionOptions' defaults).
      WorkflowRetention__Enabled: 'true'
    }
  }
}

module webhookReceiver 'modules/container-app.bicep' = {
  name: 'webhook-receiver'
  params: {
    location: location
    tags: allTags
    name: '${namePrefix}-webhook-receiver'
    daprAppId: 'webhook-receiver'
    environmentId: environment.outputs.id
    identityId: webhookReceiverIdentity.outputs.id
    identityClientId: webhookReceiverIdentity.outputs.clientId
    sharedIdentityId: sharedIdentity.outputs.id
    image: webhookReceiverImage
    registryServer: registryServer
    ingress: 'external'
    minReplicas: webhookReceiverMinReplicas
    maxReplicas: webhookReceiverMaxReplicas
    concurrentRequestsPerReplica: 50
    cpu: '0.25'
    memory: '0.5Gi'
    settings: {
      // Its own secret store (DaprSecretSource reads Connectors:Secrets:StoreName).
      Connectors__Secrets__StoreName: environment.outputs.webhookSecretStoreName
    }
  }
  dependsOn: [webhookReceiverRegistryPull]
}

@description('Public webhook base URL: point Zendesk and Acumatica webhooks at https://<this>/webhooks/...')
output webhookReceiverFqdn string = webhookReceiver.outputs.fqdn

@description('Internal FQDN of the sync-worker operator API (inside the environment only).')
output syncWorkerFqdn string = syncWorker.outputs.fqdn

@description('The worker\'s Key Vault: every tenant and system secret but the webhook ones (names: letters, digits and "-").')
output keyVaultName string = keyVault.outputs.name

@description('The receiver\'s Key Vault: only the webhook signing and push secrets of each tenant.')
output webhookKeyVaultName string = webhookKeyVault.outputs.name

output syncWorkerIdentityPrincipalId string = syncWorkerIdentity.outputs.principalId
output webhookReceiverIdentityPrincipalId string = webhookReceiverIdentity.outputs.principalId

@description('The identity of connector-state and connector-pubsub (PostgreSQL administrator, Service Bus Data Owner).')
output sharedIdentityPrincipalId string = sharedIdentity.outputs.principalId
output environmentName string = environment.outputs.name

@description('The Dapr runtime release of the environment (chosen by Azure, not by this template): it should be of the line of deploy/DAPR_RUNTIME_VERSION.')
output daprVersion string = environment.outputs.daprVersion

@description('Secrets to create in keyVaultName before the apps can start (the names the worker reads).')
output keyVaultSecretsToCreate array = keyVaultSecretNames

@description('Secrets to create in webhookKeyVaultName (the names the receiver reads).')
output webhookKeyVaultSecretsToCreate array = webhookKeyVaultSecretNames
