// Example parameters: copy, set your own prefix, images and registry, then deploy
// (docs/deploy.md). Contains no secret: every Dapr component uses the managed identity.
using 'main.bicep'

param namePrefix = 'azd-demo'
param syncWorkerImage = 'myregistry.azurecr.io/acumatica-zendesk/sync-worker:1.0.0'
param webhookReceiverImage = 'myregistry.azurecr.io/acumatica-zendesk/webhook-receiver:1.0.0'
param containerRegistryName = 'myregistry'
param syncIntervalMinutes = 5
param syncWorkerReplicas = 1
param webhookReceiverMinReplicas = 1
param webhookReceiverMaxReplicas = 5
param tags = {
  environment: 'demo'
}
// Secrets of the worker's Key Vault (connector-secrets); create them before the apps start. The names are
// the code's (SecretNames, with "--" for ":"), checked by SecretNamesAgreeTests; add one set per tenant.
param keyVaultSecretNames = [
  'token-encryption--keys'
  'token-encryption--current'
  'operator--api-keys--admin'
  'tenants--demo--acumatica--client-id'
  'tenants--demo--acumatica--client-secret'
  'tenants--demo--zendesk--client-id'
  'tenants--demo--zendesk--client-secret'
]
// Secrets of the receiver's Key Vault (webhook-secrets): only the webhook secrets it checks (ReceiverSecretNames;
// "-previous" ones only during a rotation), checked by AzureContainerAppsTests; add one pair per tenant.
param webhookKeyVaultSecretNames = [
  'tenants--demo--acumatica--push-secret'
  'tenants--demo--zendesk--webhook-signing-secret'
]
