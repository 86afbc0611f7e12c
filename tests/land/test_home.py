from tests.land.factories import OREBRO_E, OREBRO_N, rectangle


def test_home_page_counts_visible_plots_and_hectares(client, plot_factory, county):
    orebro = county["1880"]
    plot_factory(municipality=orebro, geom=rectangle(OREBRO_E, OREBRO_N, 500, 500))  # 25 ha
    plot_factory(municipality=orebro, geom=rectangle(OREBRO_E + 2000, OREBRO_N, 100, 500))  # 5 ha
    plot_factory(municipality=orebro, status="draft")
    html = client.get("/en/").content.decode()
    assert "<dd>2</dd>" in html
    assert "<dd>30.0</dd>" in html
