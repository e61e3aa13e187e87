// The one user-assigned identity both apps and their Dapr sidecars use: Key Vault secrets,
// Service Bus, PostgreSQL (Entra administrator) and (optionally) AcrPull. No password anywhere.

param location string
param namePrefix string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-${namePrefix}'
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
