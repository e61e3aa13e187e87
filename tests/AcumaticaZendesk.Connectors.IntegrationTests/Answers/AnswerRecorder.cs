using System.Collections.Concurrent;
using AcumaticaZendesk.Testing.VendorSpecs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Answers;

/// <summary>
/// Keeps every answer the connector's HTTP clients receive, as received: its handler is the innermost of every
/// named client, so retried and refused answers are kept too, not only the last one a caller sees.
/// </summary>
internal sealed class AnswerRecorder
{
    public ConcurrentQueue<RecordedAnswer> Answers { get; } = new();

    /// <summary>Adds the recording handler to every HTTP client the services build (after all other handlers).</summary>
    public void AddTo(IServiceCollection services) =>
        services.PostConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Add(new Handler(this))));

    private sealed class Handler(AnswerRecorder recorder) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var copy = new ByteArrayContent(bytes);
            foreach (var header in response.Content.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = copy;
            recorder.Answers.Enqueue(new RecordedAnswer(
                request.Method.Method, request.RequestUri!, (int)response.StatusCode, copy.Headers.ContentType?.MediaType,
                System.Text.Encoding.UTF8.GetString(bytes), response.Headers.RetryAfter is not null));
            return response;
        }
    }
}
