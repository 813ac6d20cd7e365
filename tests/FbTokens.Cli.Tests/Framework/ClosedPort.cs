using System.Net;
using System.Net.Sockets;

namespace FbTokens.Cli.Tests.Framework;

public static class ClosedPort
{
    /// <summary>A loopback URL nobody listens on: a port the OS just handed out and that was closed again.</summary>
    public static string Url()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/";
    }
}
