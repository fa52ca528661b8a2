/// The files of the status page, `StatusPage/web/` as the package manager embeds it in the binary
/// (`.embedInCode`, in `PackageResources`).
enum StatusPageAssets {
    static let index_html = StatusPageAsset(name: "index.html", contentType: "text/html; charset=utf-8",
                                            bytes: PackageResources.index_html)
    static let all: [StatusPageAsset] = [
        index_html,
        StatusPageAsset(name: "page.css", contentType: "text/css; charset=utf-8", bytes: PackageResources.page_css),
        script("page.js", PackageResources.page_js),
        script("rpc.js", PackageResources.rpc_js),
        script("printer-card.js", PackageResources.printer_card_js),
        script("plot.js", PackageResources.plot_js),
        script("format.js", PackageResources.format_js),
    ]

    private static func script(_ name: String, _ bytes: [UInt8]) -> StatusPageAsset {
        StatusPageAsset(name: name, contentType: "text/javascript; charset=utf-8", bytes: bytes)
    }
}
