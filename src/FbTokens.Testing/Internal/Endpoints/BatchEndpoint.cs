using System.Text;
using System.Text.Json;

namespace FbTokens.Testing.Internal;

/// <summary>
/// A batch request (<c>POST</c> to the base address with <c>batch=[…]</c>): each operation goes through the router
/// like a call of its own, with the batch's token when it has none, under one hold of the lock. Operations only
/// take faults aimed at their endpoint; a transport fault leaves them <c>null</c>, as on Graph.
/// </summary>
internal sealed class BatchEndpoint(
    EmulatorRouter router, RequestAuthenticator auth, EmulatorStore store, FaultPlan faults, CallCounter calls, UsageMeter usage, TimeProvider time)
{
    private const int MaxBatchSize = 50;

    public EmulatorResponse Handle(EmulatorRequest request)
    {
        var batchText = request.Get("batch");
        if (request.Method != "POST")
        {
            return GraphErrors.Create(400, 100, "Unsupported get request.", "GraphMethodException");
        }

        if (batchText is null)
        {
            return GraphErrors.OAuth(100, "(#100) The parameter batch is required");
        }

        List<(string Method, string RelativeUrl)?> operations;
        try
        {
            using var document = JsonDocument.Parse(batchText);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return GraphErrors.OAuth(100, "(#100) The parameter batch must be a JSON array");
            }

            operations = document.RootElement.EnumerateArray().Select(op =>
                op.ValueKind == JsonValueKind.Object && op.TryGetProperty("relative_url", out var url) && url.ValueKind == JsonValueKind.String
                    ? ((string, string)?)((op.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "GET").ToUpperInvariant(), url.GetString()!)
                    : null).ToList();
        }
        catch (JsonException)
        {
            return GraphErrors.OAuth(100, "(#100) The parameter batch must be a JSON array");
        }

        if (operations.Count > MaxBatchSize)
        {
            return GraphErrors.OAuth(100, "(#100) Too many requests in batch message. Maximum batch size is 50");
        }

        var topLevelToken = RequestAuthenticator.AccessToken(request);
        var topLevelProof = request.Get("appsecret_proof");
        var baseUri = new Uri(request.Url.GetLeftPart(UriPartial.Authority) + "/");
        var results = new List<EmulatorResponse?>(operations.Count);
        lock (store.Sync)
        {
            foreach (var operation in operations)
            {
                if (operation is not { } op)
                {
                    results.Add(GraphErrors.OAuth(100, "(#100) Each batch operation needs a relative_url"));
                    continue;
                }

                var opUri = new Uri(baseUri, op.RelativeUrl.TrimStart('/'));
                var parameters = new List<KeyValuePair<string, string>>();
                var opQuery = UrlEncoding.Parse(opUri.Query);
                if (topLevelToken is not null && !opQuery.Exists(p => p.Key == "access_token"))
                {
                    // An operation without its own token uses the batch's, as on Graph.
                    parameters.Add(new("access_token", topLevelToken));
                    if (topLevelProof is not null)
                    {
                        parameters.Add(new("appsecret_proof", topLevelProof));
                    }
                }

                var opRequest = new EmulatorRequest(op.Method, opUri, parameters);
                var route = EmulatorRouter.Route(opUri.AbsolutePath);
                calls.Increment(route.Endpoint);
                if (faults.TakeForBatchOperationLocked(route.Endpoint) is { } fault)
                {
                    // Transport-level faults leave the operation incomplete: Graph's null.
                    var faulted = FaultResponses.Replace(fault);
                    results.Add(faulted is { ResetConnection: false, StatusCode: >= 500 } && faulted.ContentType == EmulatorResponse.JsonContentType ? faulted : null);
                    continue;
                }

                results.Add(route.Endpoint is GraphEndpoint.Batch ? GraphErrors.OAuth(100, "(#100) Batches cannot be nested") : router.Dispatch(opRequest, route));
            }
        }

        var context = new CallContext(time.GetUtcNow());
        if (topLevelToken is not null)
        {
            lock (store.Sync)
            {
                context.App = auth.AppOfToken(topLevelToken);
            }
        }

        var response = EmulatorResponse.Json(200, w =>
        {
            w.WriteStartArray();
            foreach (var result in results)
            {
                if (result is null)
                {
                    w.WriteNullValue();
                    continue;
                }

                w.WriteStartObject();
                w.WriteNumber("code", result.StatusCode);
                w.WriteStartArray("headers");
                WriteHeader(w, "Content-Type", "text/javascript; charset=UTF-8");
                WriteHeader(w, "Cache-Control", "private, no-cache, no-store, must-revalidate");
                foreach (var (name, value) in result.Headers)
                {
                    if (name is "facebook-api-version" or "Retry-After")
                    {
                        WriteHeader(w, name, value);
                    }
                }

                w.WriteEndArray();
                w.WriteString("body", Encoding.UTF8.GetString(result.Body));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        lock (store.Sync)
        {
            usage.AddStandardHeaders(response, context, EmulatorRouter.Route(request.Url.AbsolutePath).Version);
        }

        return response;
    }

    private static void WriteHeader(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("value", value);
        w.WriteEndObject();
    }
}
