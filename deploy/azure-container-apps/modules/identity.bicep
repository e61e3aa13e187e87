// One user-assigned identity. main.bicep creates three, each with only the roles its holder needs: one per app
// (its own secrets and AcrPull) and one for the two Dapr components both apps load (Service Bus, PostgreSQL).
// No password anywhere.

param location string

@description('Resource name of the identity, e.g. id-azd-demo-sync-worker.')
param name string

param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
