// The vendors' specs are read once per test assembly (Specs is shared with the connectors' tests).
[assembly: AssemblyFixture(typeof(AcumaticaZendesk.Testing.VendorSpecs.Specs))]
