using System.Text.Json;
using AcumaticaZendesk.Zendesk.Jobs;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>
/// How a finished job's results are handed back to the records that were sent (<c>ZendeskJobsClient.MapResults</c>):
/// every record gets exactly one outcome, whatever shape and order Zendesk's results come in.
/// </summary>
public sealed class JobResultMappingTests
{
    private static ZendeskJobStatus Job(string status, string results, string? message = null) => new()
    {
        Id = "job-1",
        Status = status,
        Message = message,
        Results = JsonDocument.Parse(results).RootElement.Clone(),
    };

    [Fact]
    public void Records_without_a_result_fail_with_the_job_s_own_words_when_it_failed_and_as_missing_when_it_completed()
    {
        ZendeskBulkInput[] inputs = [new(0, null, "C-1"), new(1, null, "C-2")];
        const string results = """[{"index":0,"id":501,"success":true}]""";

        var failed = ZendeskJobsClient.MapResults(Job("failed", results, "Internal error while processing"), inputs);
        var completed = ZendeskJobsClient.MapResults(Job("completed", results), inputs);

        Assert.Equal((501L, true), (failed[0].Id!.Value, failed[0].Succeeded));
        Assert.Equal(("JobFailed", "Job job-1 ended 'failed': Internal error while processing"), (failed[1].Error!.Code, failed[1].Error!.Description));
        Assert.Equal(("NoResult", "Job job-1 finished without a result for this record."), (completed[1].Error!.Code, completed[1].Error!.Description));
        Assert.Equal(("C-2", "job-1"), (completed[1].ExternalId, completed[1].JobId));
    }

    [Fact]
    public void Results_that_name_no_record_go_in_order_to_the_records_still_without_one_and_extra_ones_are_dropped()
    {
        ZendeskBulkInput[] three = [new(0, null, "C-1"), new(1, null, "C-2"), new(2, null, "C-3")];
        ZendeskBulkInput[] one = [new(0, null, "C-1")];

        var fewer = ZendeskJobsClient.MapResults(Job("completed", """[{"index":1,"id":502,"success":true},{"id":601,"status":"Created"}]"""), three);
        var more = ZendeskJobsClient.MapResults(Job("completed", """[{"id":601,"status":"Created"},{"id":602,"status":"Created"}]"""), one);

        Assert.Equal([601L, 502L, null], fewer.Select(r => r.Id));
        Assert.Equal(["create", null, null], fewer.Select(r => r.Action));
        Assert.Equal("NoResult", fewer[2].Error!.Code);
        Assert.Equal((0, 601L), (Assert.Single(more).Index, more[0].Id!.Value));
    }

    [Fact]
    public void A_result_with_an_index_outside_the_request_still_leaves_each_record_one_outcome()
    {
        ZendeskBulkInput[] inputs = [new(0, null, "C-1")];

        var results = ZendeskJobsClient.MapResults(Job("completed", """[{"index":1,"id":502,"success":true}]"""), inputs);

        Assert.Equal(0, Assert.Single(results).Index);
    }

    [Fact]
    public void The_id_zendesk_reports_for_a_written_record_wins_and_a_result_without_one_keeps_the_known_id()
    {
        // Zendesk matched the e-mail to another user than the one we knew: that user is the one it wrote.
        ZendeskBulkInput[] byEmail = [new(0, 42, "C-1", "ann@example.com")];
        ZendeskBulkInput[] byIndex = [new(0, 42, "C-1")];

        var moved = ZendeskJobsClient.MapResults(Job("completed", """[{"id":77,"status":"Updated","email":"ANN@example.com"}]"""), byEmail);
        var kept = ZendeskJobsClient.MapResults(Job("completed", """[{"index":0,"success":true,"action":"update"}]"""), byIndex);

        Assert.Equal((77L, "update", true), (moved[0].Id!.Value, moved[0].Action, moved[0].Succeeded));
        Assert.Equal((42L, "update", true), (kept[0].Id!.Value, kept[0].Action, kept[0].Succeeded));
    }

    [Fact]
    public void A_result_is_a_failure_when_it_says_success_false_or_status_failed_even_without_an_error_code()
    {
        ZendeskBulkInput[] inputs = [new(0, 42, "C-1"), new(1, 43, "C-2")];

        var results = ZendeskJobsClient.MapResults(
            Job("completed", """[{"index":0,"id":3,"success":false},{"index":1,"id":4,"status":"Failed","details":"Name: has already been taken"}]"""),
            inputs);

        Assert.All(results, r => Assert.False(r.Succeeded));
        Assert.Equal([42L, 43L], results.Select(r => r.Id!.Value)); // a failure's id names no record
        Assert.Equal(("Failed", "The job reported a failure."), (results[0].Error!.Code, results[0].Error!.Description));
        Assert.Equal(("Failed", "Name: has already been taken"), (results[1].Error!.Code, results[1].Error!.Description));
        Assert.Equal(ZendeskRecordErrorKind.DuplicateValue, results[1].Error!.Kind);
    }
}
