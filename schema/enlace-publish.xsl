<?xml version="1.0" encoding="UTF-8"?>
<!--
  enlace-publish.xsl: a snapshot (enlace-snapshot.xsd) as the printable
  directory and the network's web directory of key actors, in one
  self-contained HTML file: no external assets, public fields only.

  Grouped by country (in the order of their names), then by role (in the
  vocabulary's order). Active and unverified liaisons are listed, the
  unverified flagged; pending and retired ones are not. A search box
  filters by country, role, institution and name as you type; its first
  value comes from the page's URL, directory.html?q=honduras+focal.

  Parameter: lang, "es" (default) or "en".
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:e="urn:enlace:directory:1"
                exclude-result-prefixes="e">

  <xsl:output method="html" encoding="UTF-8" indent="no"
              doctype-system="about:legacy-compat"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="lang" select="'es'"/>

  <xsl:key name="role" match="e:roles/e:term" use="@id"/>
  <xsl:key name="competence" match="e:competences/e:term" use="@id"/>
  <xsl:key name="network" match="e:networks/e:network" use="@id"/>
  <xsl:key name="liaison-by-country" match="e:liaisons/e:liaison" use="@country"/>
  <xsl:key name="institution-by-country" match="e:institutions/e:institution" use="@country"/>

  <!-- The words of the page, in both languages. -->
  <xsl:template name="t">
    <xsl:param name="k"/>
    <xsl:variable name="en" select="$lang = 'en'"/>
    <xsl:choose>
      <xsl:when test="$k = 'title' and $en">Directory of liaison officers and focal points</xsl:when>
      <xsl:when test="$k = 'title'">Directorio de funcionarios de enlace y puntos focales</xsl:when>
      <xsl:when test="$k = 'sub' and $en">Regional networks against migrant smuggling and trafficking in persons</xsl:when>
      <xsl:when test="$k = 'sub'">Redes regionales contra el tráfico ilícito de migrantes y la trata de personas</xsl:when>
      <xsl:when test="$k = 'date' and $en">Edition of </xsl:when>
      <xsl:when test="$k = 'date'">Edición del </xsl:when>
      <xsl:when test="$k = 'search' and $en">Filter by country, role, institution or name</xsl:when>
      <xsl:when test="$k = 'search'">Filtrar por país, función, institución o nombre</xsl:when>
      <xsl:when test="$k = 'unverified' and $en">not confirmed this year</xsl:when>
      <xsl:when test="$k = 'unverified'">sin confirmar este año</xsl:when>
      <xsl:when test="$k = 'institutions' and $en">Referral institutions</xsl:when>
      <xsl:when test="$k = 'institutions'">Instituciones de referencia</xsl:when>
      <xsl:when test="$k = 'other' and $en">Other contacts</xsl:when>
      <xsl:when test="$k = 'other'">Otros contactos</xsl:when>
      <xsl:when test="$k = 'none' and $en">No liaison registered.</xsl:when>
      <xsl:when test="$k = 'none'">Sin enlaces registrados.</xsl:when>
      <xsl:when test="$k = 'shown' and $en"> shown of </xsl:when>
      <xsl:when test="$k = 'shown'"> mostrados de </xsl:when>
      <xsl:when test="$k = 'nomatch' and $en">Nothing matches the filter.</xsl:when>
      <xsl:when test="$k = 'nomatch'">Nada coincide con el filtro.</xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- A term's label in the page's language, else the first one, else its ID. -->
  <xsl:template name="label">
    <xsl:param name="node"/>
    <xsl:choose>
      <xsl:when test="$node/e:label[@lang = $lang]">
        <xsl:value-of select="$node/e:label[@lang = $lang][1]"/>
      </xsl:when>
      <xsl:when test="$node/e:label">
        <xsl:value-of select="$node/e:label[1]"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$node/@id"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="/e:directory">
    <xsl:variable name="listed"
                  select="e:liaisons/e:liaison[@status = 'active' or @status = 'unverified']"/>
    <html lang="{$lang}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="enlace"/>
        <title>
          <xsl:call-template name="t"><xsl:with-param name="k" select="'title'"/></xsl:call-template>
          <xsl:text> — </xsl:text>
          <xsl:value-of select="substring(@generated, 1, 10)"/>
        </title>
        <style>
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #c8c8c8; --accent: #0b4f6c; --warn: #8a4b00; }
* { box-sizing: border-box; }
body { font: 11pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
header { border-bottom: 2px solid var(--accent); margin-bottom: 1rem; }
h1 { font-size: 1.6rem; margin: 0; color: var(--accent); }
.sub { margin: .2rem 0; color: var(--muted); }
.date { margin: .2rem 0 .8rem; font-weight: bold; }
.search { display: flex; gap: .8rem; align-items: center; margin: 0 0 1rem; }
.search input { flex: 1; font: inherit; padding: .45rem .6rem; border: 1px solid var(--muted); border-radius: 4px; }
#count { color: var(--muted); white-space: nowrap; }
#nomatch { color: var(--warn); }
section.country { margin: 0 0 1.2rem; }
h2 { font-size: 1.3rem; margin: 1.2rem 0 .4rem; padding-bottom: .15rem; border-bottom: 1px solid var(--rule); break-after: avoid; }
h2 .code { color: var(--muted); font-size: .85rem; font-weight: normal; margin-left: .4rem; }
h3 { font-size: 1rem; margin: .7rem 0 .3rem; color: var(--accent); break-after: avoid; }
.entries { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: .5rem .9rem; }
.entry { border-left: 3px solid var(--rule); padding: .1rem 0 .1rem .6rem; break-inside: avoid; }
.entry .name { font-weight: bold; }
.entry p { margin: 0; }
.entry .title, .entry .inst, .entry .comp { color: var(--muted); font-size: .92em; }
.entry.unverified { border-left-color: var(--warn); }
.flag { color: var(--warn); font-size: .85em; font-weight: bold; }
.none { color: var(--muted); font-style: italic; }
a { color: var(--accent); text-decoration: none; }
[hidden] { display: none !important; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  .search { display: none; }
  section.country { break-before: page; }
  section.country:first-of-type { break-before: auto; }
  a { color: var(--ink); }
}
@page { size: A4; margin: 15mm 14mm; }
        </style>
      </head>
      <body>
        <header>
          <h1><xsl:call-template name="t"><xsl:with-param name="k" select="'title'"/></xsl:call-template></h1>
          <p class="sub"><xsl:call-template name="t"><xsl:with-param name="k" select="'sub'"/></xsl:call-template></p>
          <p class="date">
            <xsl:call-template name="t"><xsl:with-param name="k" select="'date'"/></xsl:call-template>
            <time datetime="{substring(@generated, 1, 10)}"><xsl:value-of select="substring(@generated, 1, 10)"/></time>
          </p>
        </header>
        <div class="search">
          <xsl:variable name="placeholder">
            <xsl:call-template name="t"><xsl:with-param name="k" select="'search'"/></xsl:call-template>
          </xsl:variable>
          <input type="search" id="q" placeholder="{$placeholder}" aria-label="{$placeholder}" autocomplete="off"/>
          <xsl:variable name="shown">
            <xsl:call-template name="t"><xsl:with-param name="k" select="'shown'"/></xsl:call-template>
          </xsl:variable>
          <span id="count" data-shown-word="{$shown}"><xsl:value-of select="count($listed)"/></span>
        </div>
        <p id="nomatch" hidden="">
          <xsl:call-template name="t"><xsl:with-param name="k" select="'nomatch'"/></xsl:call-template>
        </p>
        <main>
          <xsl:for-each select="e:countries/e:country">
            <xsl:sort select="e:label[@lang = $lang]"/>
            <xsl:call-template name="country"/>
          </xsl:for-each>
        </main>
        <script><![CDATA[
(function () {
  "use strict";
  // Lower case, accents off, so "Mexico" finds "México".
  function norm(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  var entries = Array.prototype.slice.call(document.querySelectorAll(".entry"));
  entries.forEach(function (e) {
    var words = norm(e.getAttribute("data-search")).split(/[\s,;:()\/.]+/).filter(Boolean);
    var parts = [];
    words.forEach(function (w) { w.split("-").forEach(function (p) { if (p) parts.push(p); }); });
    e.words = words.concat(parts);
  });
  var box = document.getElementById("q");
  var count = document.getElementById("count");
  var nomatch = document.getElementById("nomatch");
  // A liaison with two roles has two cards: count people, not cards.
  function people(list) {
    var ids = {};
    list.forEach(function (e) { if (!e.classList.contains("institution")) ids[e.getAttribute("data-id")] = 1; });
    return Object.keys(ids).length;
  }
  var total = people(entries);
  var shownWord = count.getAttribute("data-shown-word") || "";
  // Every word typed must begin a word of the entry.
  function apply(q) {
    var terms = norm(q).split(/\s+/).filter(Boolean);
    entries.forEach(function (e) {
      var ok = terms.every(function (t) {
        return e.words.some(function (w) { return w.lastIndexOf(t, 0) === 0; });
      });
      e.hidden = !ok;
    });
    var shown = people(entries.filter(function (e) { return !e.hidden; }));
    document.querySelectorAll(".group").forEach(function (g) {
      g.hidden = !g.querySelector(".entry:not([hidden])");
    });
    document.querySelectorAll(".country").forEach(function (c) {
      c.hidden = terms.length > 0 && !c.querySelector(".entry:not([hidden])");
    });
    count.textContent = terms.length ? shown + shownWord + total : String(total);
    nomatch.hidden = !(terms.length && !document.querySelector(".entry:not([hidden])"));
  }
  var params = new URLSearchParams(window.location.search);
  box.value = params.get("q") || "";
  apply(box.value);
  box.addEventListener("input", function () {
    apply(box.value);
    try {
      var url = new URL(window.location.href);
      if (box.value) url.searchParams.set("q", box.value); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url.toString());
    } catch (err) { /* a page opened from a file may refuse; the filter still works */ }
  });
})();
]]></script>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="country">
    <xsl:variable name="cc" select="@code"/>
    <xsl:variable name="country" select="."/>
    <xsl:variable name="people"
                  select="key('liaison-by-country', $cc)[@status = 'active' or @status = 'unverified']"/>
    <xsl:variable name="places"
                  select="key('institution-by-country', $cc)[e:competence][@status = 'active' or @status = 'unverified']"/>
    <section class="country" id="country-{$cc}" data-country="{$cc}">
      <h2>
        <xsl:call-template name="label"><xsl:with-param name="node" select="."/></xsl:call-template>
        <span class="code"><xsl:value-of select="$cc"/></span>
      </h2>
      <xsl:if test="not($people)">
        <p class="none"><xsl:call-template name="t"><xsl:with-param name="k" select="'none'"/></xsl:call-template></p>
      </xsl:if>
      <xsl:for-each select="/e:directory/e:roles/e:term">
        <xsl:variable name="role" select="@id"/>
        <xsl:variable name="holders" select="$people[e:role = $role]"/>
        <xsl:if test="$holders">
          <section class="group role" data-role="{$role}">
            <h3><xsl:call-template name="label"><xsl:with-param name="node" select="."/></xsl:call-template></h3>
            <div class="entries">
              <xsl:for-each select="$holders">
                <xsl:call-template name="liaison">
                  <xsl:with-param name="country" select="$country"/>
                  <xsl:with-param name="role" select="key('role', $role)"/>
                </xsl:call-template>
              </xsl:for-each>
            </div>
          </section>
        </xsl:if>
      </xsl:for-each>
      <xsl:variable name="others" select="$people[not(e:role)]"/>
      <xsl:if test="$others">
        <section class="group role" data-role="">
          <h3><xsl:call-template name="t"><xsl:with-param name="k" select="'other'"/></xsl:call-template></h3>
          <div class="entries">
            <xsl:for-each select="$others">
              <xsl:call-template name="liaison">
                <xsl:with-param name="country" select="$country"/>
              </xsl:call-template>
            </xsl:for-each>
          </div>
        </section>
      </xsl:if>
      <xsl:if test="$places">
        <section class="group institutions">
          <h3><xsl:call-template name="t"><xsl:with-param name="k" select="'institutions'"/></xsl:call-template></h3>
          <div class="entries">
            <xsl:for-each select="$places">
              <xsl:call-template name="institution">
                <xsl:with-param name="country" select="$country"/>
              </xsl:call-template>
            </xsl:for-each>
          </div>
        </section>
      </xsl:if>
    </section>
  </xsl:template>

  <!-- The words the search box looks at: country, role, institution, name. -->
  <xsl:template name="country-words">
    <xsl:param name="country"/>
    <xsl:value-of select="$country/@code"/>
    <xsl:for-each select="$country/e:label"><xsl:text> </xsl:text><xsl:value-of select="."/></xsl:for-each>
  </xsl:template>

  <xsl:template name="contact">
    <xsl:for-each select="e:mail">
      <p class="mail"><a href="mailto:{.}"><xsl:value-of select="."/></a></p>
    </xsl:for-each>
    <xsl:for-each select="e:phone">
      <p class="phone"><a href="tel:{.}"><xsl:value-of select="."/></a></p>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="liaison">
    <xsl:param name="country"/>
    <xsl:param name="role"/>
    <xsl:variable name="words">
      <xsl:call-template name="country-words"><xsl:with-param name="country" select="$country"/></xsl:call-template>
      <xsl:for-each select="$role">
        <xsl:text> </xsl:text><xsl:value-of select="@id"/>
        <xsl:for-each select="e:label"><xsl:text> </xsl:text><xsl:value-of select="."/></xsl:for-each>
      </xsl:for-each>
      <xsl:text> </xsl:text><xsl:value-of select="e:institution-name"/>
      <xsl:text> </xsl:text><xsl:value-of select="e:name"/>
      <xsl:text> </xsl:text><xsl:value-of select="@id"/>
    </xsl:variable>
    <article class="entry liaison {@status}" id="{@id}" data-id="{@id}" data-search="{normalize-space($words)}">
      <p class="name"><xsl:value-of select="e:name"/></p>
      <xsl:if test="e:title"><p class="title"><xsl:value-of select="e:title"/></p></xsl:if>
      <xsl:if test="e:institution-name"><p class="inst"><xsl:value-of select="e:institution-name"/></p></xsl:if>
      <xsl:call-template name="contact"/>
      <xsl:if test="@status = 'unverified'">
        <p class="flag"><xsl:call-template name="t"><xsl:with-param name="k" select="'unverified'"/></xsl:call-template></p>
      </xsl:if>
    </article>
  </xsl:template>

  <xsl:template name="institution">
    <xsl:param name="country"/>
    <xsl:variable name="words">
      <xsl:call-template name="country-words"><xsl:with-param name="country" select="$country"/></xsl:call-template>
      <xsl:for-each select="e:competence">
        <xsl:text> </xsl:text><xsl:value-of select="."/>
        <xsl:for-each select="key('competence', current())/e:label"><xsl:text> </xsl:text><xsl:value-of select="."/></xsl:for-each>
      </xsl:for-each>
      <xsl:text> </xsl:text><xsl:value-of select="e:name"/>
      <xsl:text> </xsl:text><xsl:value-of select="@id"/>
    </xsl:variable>
    <article class="entry institution {@status}" id="{@id}" data-id="{@id}" data-search="{normalize-space($words)}">
      <p class="name"><xsl:value-of select="e:name"/></p>
      <p class="comp">
        <xsl:for-each select="e:competence">
          <xsl:if test="position() > 1"><xsl:text> · </xsl:text></xsl:if>
          <xsl:call-template name="label"><xsl:with-param name="node" select="key('competence', current())"/></xsl:call-template>
        </xsl:for-each>
      </p>
      <xsl:call-template name="contact"/>
      <xsl:if test="@status = 'unverified'">
        <p class="flag"><xsl:call-template name="t"><xsl:with-param name="k" select="'unverified'"/></xsl:call-template></p>
      </xsl:if>
    </article>
  </xsl:template>
</xsl:stylesheet>
