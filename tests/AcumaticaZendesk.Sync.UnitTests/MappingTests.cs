using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

public sealed class MappingTests
{
    [Fact]
    public void A_customer_maps_to_an_organization_keyed_by_its_code_with_kind_class_and_status_tags()
    {
        var account = Customer(" C001 ", " Initrode Corp ", email: "Sales@Initrode.example") with
        {
            Website = "https://www.initrode.example/about",
            Note = "Key account",
            ClassId = "Wholesale EU",
        };

        var mapped = OrganizationMapper.Map(account, new MappingOptions());
        var organization = OrganizationMapper.Merge([mapped.Value!]);

        Assert.Equal("C001", organization.ExternalId);
        Assert.Equal("Initrode Corp", organization.Name);
        Assert.Equal(["acu_class_wholesale_eu", "acu_customer", "acu_customer_status_active", "acumatica"], organization.Tags);
        Assert.Equal(["initrode.example"], organization.DomainNames);
        Assert.Equal("Key account", organization.Notes);
    }

    [Fact]
    public void Public_mail_domains_never_become_domain_names()
    {
        var mapped = OrganizationMapper.Map(Customer("C1", "Solo Trader", email: "solo@gmail.com"), new MappingOptions());

        Assert.Empty(mapped.Value!.DomainNames);
    }

    [Fact]
    public void An_account_that_is_customer_and_vendor_is_one_organization_with_both_tags()
    {
        var customer = OrganizationMapper.Map(Customer("C2", "Globex"), new MappingOptions()).Value!;
        var vendor = OrganizationMapper.Map(Vendor("C2", "Globex Supplies", status: "Inactive"), new MappingOptions()).Value!;

        var organization = OrganizationMapper.Merge([vendor, customer]);

        Assert.Equal("C2", organization.ExternalId);
        Assert.Equal("Globex", organization.Name);
        Assert.Contains("acu_customer", organization.Tags);
        Assert.Contains("acu_vendor", organization.Tags);
        Assert.Contains("acu_vendor_status_inactive", organization.Tags);
        Assert.DoesNotContain(OrganizationMapper.InactiveTag, organization.Tags);
    }

    [Fact]
    public void An_inactive_account_is_flagged_not_dropped()
    {
        var organization = OrganizationMapper.Merge([OrganizationMapper.Map(Customer("C9", "Old Co", status: "Inactive"), new MappingOptions()).Value!]);

        Assert.Contains(OrganizationMapper.InactiveTag, organization.Tags);
    }

    [Fact]
    public void Tenant_field_mappings_fill_organization_fields_tags_and_details()
    {
        var options = new MappingOptions
        {
            Organization =
            [
                new FieldMapping("attribute:INDUSTRY", "organization_fields.industry"),
                new FieldMapping("field:SalesTerritory", "tags", "territory"),
                new FieldMapping("parentAccount", "details"),
            ],
        };
        var account = Customer("C1", "Initrode") with
        {
            ParentAccount = "PARENT1",
            Attributes = new Dictionary<string, string?> { ["Industry"] = "Retail" },
            Fields = new Dictionary<string, string?> { ["SalesTerritory"] = "North East", ["CreditLimit"] = "50000" },
        };

        var organization = OrganizationMapper.Merge([OrganizationMapper.Map(account, options).Value!]);

        Assert.Equal("Retail", organization.OrganizationFields["industry"]);
        Assert.Contains("territory_north_east", organization.Tags);
        Assert.Equal("PARENT1", organization.Details);
        Assert.DoesNotContain(organization.OrganizationFields.Values, v => v == "50000");
    }

    [Fact]
    public void An_account_without_a_name_is_skipped_with_a_reason()
    {
        var mapped = OrganizationMapper.Map(Customer("C1", "  "), new MappingOptions());

        Assert.Null(mapped.Value);
        Assert.Contains("no name", mapped.SkipReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("field:CreditLimit", "credit")]
    [InlineData("field:Balance", "balance")]
    [InlineData("field:CuryID", "cury")]
    [InlineData("field:CurrencyID", "currency")]
    [InlineData("field:Terms", "terms")]
    [InlineData("field:GLAccount", "GL")]
    [InlineData("field:OpenInvoices", "Invoices")]
    [InlineData("attribute:LAST_PAYMENT", "PAYMENT")]
    [InlineData("field:open_orders_total", "orders")]
    [InlineData("field:BillsDue", "Bills")]
    [InlineData("field:OpenBalances", "Balances")]
    [InlineData("field:Credits", "Credits")]
    [InlineData("field:DebitMemo", "Debit")]
    [InlineData("field:LastInvoice", "Invoice")]
    [InlineData("field:BillTo", "Bill")]
    [InlineData("field:OrderCount", "Order")]
    [InlineData("field:Payments", "Payments")]
    [InlineData("attribute:PAYMENT_METHOD", "PAYMENT")]
    [InlineData("field:PrepaymentPercent", "Prepayment")]
    [InlineData("field:LedgerID", "Ledger")]
    [InlineData("field:PriceClass", "Price")]
    [InlineData("field:SpecialPrices", "Prices")]
    [InlineData("field:TotalAmount", "Amount")]
    [InlineData("field:TotalAmt", "Amt")]
    [InlineData("field:TaxZone", "Tax")]
    [InlineData("field:Taxes", "Taxes")]
    [InlineData("field:DiscountPct", "Discount")]
    [InlineData("field:DepositRequired", "Deposit")]
    [InlineData("field:OpenDeposits", "Deposits")]
    [InlineData("field:AgingBucket", "Aging")]
    [InlineData("field:OverdueDays", "Overdue")]
    [InlineData("field:writeoff_reason", "writeoff")]
    [InlineData("field:RevenueYtd", "Revenue")]
    [InlineData("field:CostCenter", "Cost")]
    [InlineData("field:StatementCycle", "Statement")]
    [InlineData("field:SendStatements", "Statements")]
    [InlineData("field:DunningLevel", "Dunning")]
    [InlineData("field:BankName", "Bank")]
    [InlineData("field:IBAN", "IBAN")]
    [InlineData("field:SalaryGrade", "Salary")]
    [InlineData("field:PayrollClass", "Payroll")]
    [InlineData("field:WageRate", "Wage")]
    public void Finance_fields_are_refused_by_the_mapping_validator(string source, string word)
    {
        var error = MappingCatalog.CheckSource(source, MappingSide.Organization);

        Assert.NotNull(error);
        Assert.Contains("finance field", error, StringComparison.Ordinal);
        Assert.Contains($"'{word}'", error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("field:BillingContact")]
    [InlineData("field:SalesTerritory")]
    [InlineData("attribute:INDUSTRY")]
    [InlineData("class")]
    public void Ordinary_fields_are_accepted(string source) =>
        Assert.Null(MappingCatalog.CheckSource(source, MappingSide.Organization));

    [Fact]
    public void Contacts_and_employees_map_to_users_with_documented_external_id_prefixes()
    {
        var tenant = Tenant();
        var contact = UserMapper.Map(Contact("101", "Ann", "Lee", " Ann@Initrode.example ", "C1") with { Phone = "+1 555 0100" }, tenant).Value!;
        var employee = UserMapper.Map(Employee("EP1", "Dee Staff", "dee@contoso.example"), tenant).Value!;

        Assert.Equal(
            ("acu-contact:101", "Ann Lee", "ann@initrode.example", "C1"),
            (contact.ExternalId, contact.Name, contact.Email, contact.OrganizationExternalId));
        Assert.Equal("+1 555 0100", contact.Phone);
        Assert.Equal("end-user", contact.Role);
        Assert.Equal(("acu-employee:EP1", "acu-company:Contoso"), (employee.ExternalId, employee.OrganizationExternalId));
        Assert.Contains("acu_employee", employee.Tags);
    }

    [Fact]
    public void The_role_and_the_employees_organization_are_configurable()
    {
        var tenant = Tenant() with
        {
            Mapping = new MappingOptions { UserRole = "agent", EmployeeOrganization = new EmployeeOrganizationOptions { ExternalId = "own-co" } },
        };

        var employee = UserMapper.Map(Employee("EP1", "Dee Staff", null), tenant).Value!;
        var noOrg = UserMapper.Map(
            Employee("EP2", "Eve", null),
            tenant with { Mapping = new MappingOptions { EmployeeOrganization = new EmployeeOrganizationOptions { Enabled = false } } }).Value!;

        Assert.Equal(("agent", "own-co"), (employee.Role, employee.OrganizationExternalId));
        Assert.Null(noOrg.OrganizationExternalId);
    }

    [Fact]
    public void An_inactive_contact_is_tagged()
    {
        var user = UserMapper.Map(Contact("101", "Ann", "Lee", null, null) with { Active = false }, Tenant()).Value!;

        Assert.Contains(OrganizationMapper.InactiveTag, user.Tags);
    }

    [Fact]
    public void A_person_without_name_or_email_is_skipped()
    {
        var mapped = UserMapper.Map(new AcumaticaPerson { Kind = EntityKind.Contact, Key = "1", LastModifiedDateTime = T0 }, Tenant());

        Assert.Equal("the record has neither a name nor an e-mail address", mapped.SkipReason);
    }
}
