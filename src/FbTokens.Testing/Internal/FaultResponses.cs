using System.Text;

namespace FbTokens.Testing.Internal;

/// <summary>What an injected <see cref="EmulatorFault"/> answers instead of the endpoint.</summary>
internal static class FaultResponses
{
    /// <summary>The answer that replaces the call; null for <see cref="EmulatorFault.TruncatedBody"/>, which is processed and then cut (<see cref="Truncate"/>).</summary>
    public static EmulatorResponse? Replace(EmulatorFault fault) => fault switch
    {
        EmulatorFault.ConnectionReset => EmulatorResponse.Reset(),
        EmulatorFault.TransientError => GraphErrors.Create(500, 2, "(#2) Service temporarily unavailable", isTransient: true),
        EmulatorFault.InternalServerError => GraphErrors.Create(500, 1, "An unknown error has occurred.", isTransient: true),
        EmulatorFault.ServiceUnavailable => new EmulatorResponse
        {
            StatusCode = 503,
            ContentType = "text/html; charset=utf-8",
            Body = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>Sorry, something went wrong.</h1><p>We're working on it and we'll get it fixed as soon as we can.</p></body></html>"),
        },
        EmulatorFault.HtmlBody => new EmulatorResponse
        {
            StatusCode = 200,
            ContentType = "text/html; charset=utf-8",
            Body = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body><form action=\"/login\"><input name=\"user\"></form></body></html>"),
        },
        EmulatorFault.EmptyBody => new EmulatorResponse { StatusCode = 200, Body = [] },
        _ => null, // TruncatedBody: processed, then cut.
    };

    /// <summary>Cuts the processed answer's body in half (<see cref="EmulatorFault.TruncatedBody"/>).</summary>
    public static void Truncate(EmulatorResponse response) => response.Body = response.Body[..(response.Body.Length / 2)];
}
