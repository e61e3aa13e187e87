// A Key Vault behind a Dapr secret store (RBAC mode): one identity may read its secrets (Key Vault Secrets User on
// the vault). main.bicep creates two, one per app, so the internet-facing receiver can read only its webhook
// secrets. Key Vault secret names allow only letters, digits and '-'.

param location string

@description('Vault name (3-24 letters, digits and "-", globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Object (principal) id of the one identity that reads the vault\'s secrets.')
param readerPrincipalId string

param tags object = {}

@description('Key Vault Secrets User')
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, secretsUserRoleId)
  scope: vault
  properties: {
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
  }
}

output name string = vault.name
