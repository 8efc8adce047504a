<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <location filename="../processing/messages.py" line="21"/>
        <source>Canceled: nothing was written.</source>
        <translation>Annulé : rien n’a été écrit.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="23"/>
        <source>The file {path} does not exist. Choose an existing file.</source>
        <translation>Le fichier {path} n’existe pas. Choisissez un fichier existant.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="25"/>
        <source>The file {path} is empty (0 bytes). Download it again or choose another file.</source>
        <translation>Le fichier {path} est vide (0 octet). Téléchargez-le à nouveau ou choisissez un autre fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="28"/>
        <source>The file {path} is not an OpenStreetMap .pbf file. Choose a file ending in .osm.pbf, for example an extract from download.geofabrik.de.</source>
        <translation>Le fichier {path} n’est pas un fichier OpenStreetMap .pbf. Choisissez un fichier se terminant par .osm.pbf, par exemple un extrait de download.geofabrik.de.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="31"/>
        <source>The file {path} is truncated: it has {actual} bytes but its content needs {expected}. The download was probably interrupted; download it again.</source>
        <translation>Le fichier {path} est tronqué : il fait {actual} octets mais son contenu en exige {expected}. Le téléchargement a sans doute été interrompu ; téléchargez-le à nouveau.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="35"/>
        <source>The file {path} is damaged and cannot be decoded ({detail}). Download it again.</source>
        <translation>Le fichier {path} est endommagé et ne peut pas être décodé ({detail}). Téléchargez-le à nouveau.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="38"/>
        <source>The area to extract ({area}) does not overlap the data in the file ({data}). Choose an area inside the file&apos;s extent, or leave the area empty to extract the whole file.</source>
        <translation>La zone à extraire ({area}) ne recoupe pas les données du fichier ({data}). Choisissez une zone dans l’emprise du fichier, ou laissez la zone vide pour extraire tout le fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="42"/>
        <source>The area to extract is empty. Draw a larger extent or choose a layer with polygons, or leave the area empty to extract the whole file.</source>
        <translation>La zone à extraire est vide. Tracez une emprise plus grande ou choisissez une couche de polygones, ou laissez la zone vide pour extraire tout le fichier.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="45"/>
        <source>Cannot write {path}: {detail}. Choose another output file.</source>
        <translation>Impossible d’écrire {path} : {detail}. Choisissez un autre fichier de sortie.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="48"/>
        <source>The Python package {package} is missing or unusable ({detail}). See the Refuge README, section Installation, to install it.</source>
        <translation>Le paquet Python {package} est absent ou inutilisable ({detail}). Consultez le README de Refuge, section Installation, pour l’installer.</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="62"/>
        <source>some nodes of the way are missing from the file (clipped extract)</source>
        <translation>des nœuds du chemin manquent dans le fichier (extrait découpé)</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="63"/>
        <source>fewer than two distinct points</source>
        <translation>moins de deux points distincts</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="64"/>
        <source>the way is not a closed ring, so it cannot be an area</source>
        <translation>le chemin n’est pas un anneau fermé et ne peut donc pas être une surface</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="65"/>
        <source>the multipolygon could not be assembled (member ways missing from the file or rings not closed)</source>
        <translation>le multipolygone n’a pas pu être assemblé (chemins membres absents du fichier ou anneaux non fermés)</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="67"/>
        <source>invalid geometry that could not be repaired</source>
        <translation>géométrie invalide qui n’a pas pu être réparée</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="73"/>
        <source>Refuge cannot run its algorithms because of its Python dependencies:</source>
        <translation>Refuge ne peut pas exécuter ses algorithmes à cause de ses dépendances Python :</translation>
    </message>
    <message>
        <location filename="../processing/messages.py" line="75"/>
        <source>Install shapely 2 built against the same GEOS as QGIS, and pyosmium, as the Refuge README explains (section Installation), then restart QGIS.</source>
        <translation>Installez shapely 2 compilé avec la même bibliothèque GEOS que QGIS, ainsi que pyosmium, comme l’explique le README de Refuge (section Installation), puis redémarrez QGIS.</translation>
    </message>
    <message>
        <location filename="../processing/i18n_labels.py" line="14"/>
        <source>Not exposed</source>
        <translation>Non exposé</translation>
    </message>
    <message>
        <location filename="../processing/i18n_labels.py" line="14"/>
        <source>Low</source>
        <translation>Faible</translation>
    </message>
    <message>
        <location filename="../processing/i18n_labels.py" line="14"/>
        <source>Medium</source>
        <translation>Moyen</translation>
    </message>
    <message>
        <location filename="../processing/i18n_labels.py" line="14"/>
        <source>High</source>
        <translation>Fort</translation>
    </message>
</context>
<context>
    <name>DepthRasterParameters</name>
    <message>
        <location filename="../processing/depth.py" line="25"/>
        <source>Flood depth raster</source>
        <translation>Raster de hauteur d’eau</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="28"/>
        <source>Band</source>
        <translation>Bande</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="31"/>
        <source>Upper bound of low depths (m)</source>
        <translation>Borne supérieure des hauteurs faibles (m)</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="31"/>
        <source>Upper bound of medium depths (m)</source>
        <translation>Borne supérieure des hauteurs moyennes (m)</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="31"/>
        <source>Minimum flood depth (m)</source>
        <translation>Hauteur d’eau minimale (m)</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="46"/>
        <source>The upper bound of low depths ({low} m) must be below that of medium depths ({medium} m).</source>
        <translation>La borne supérieure des hauteurs faibles ({low} m) doit être inférieure à celle des hauteurs moyennes ({medium} m).</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="52"/>
        <source>The minimum flood depth ({minimum} m) must be below the upper bound of low depths ({low} m).</source>
        <translation>La hauteur d’eau minimale ({minimum} m) doit être inférieure à la borne supérieure des hauteurs faibles ({low} m).</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="64"/>
        <source>The depth raster has no coordinate reference system. Set its CRS in the layer properties, then run again.</source>
        <translation>Le raster de hauteur d’eau n’a pas de système de coordonnées de référence. Définissez son SCR dans les propriétés de la couche, puis relancez.</translation>
    </message>
    <message>
        <location filename="../processing/depth.py" line="73"/>
        <source>The depth raster declares no nodata value: every pixel is read as a depth.</source>
        <translation>Le raster de hauteur d’eau ne déclare pas de valeur nodata : chaque pixel est lu comme une hauteur.</translation>
    </message>
</context>
<context>
    <name>Exposure</name>
    <message>
        <location filename="../processing/exposure.py" line="126"/>
        <source>Exposure to a hazard</source>
        <translation>Exposition à un aléa</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="129"/>
        <source>Hazard and exposure</source>
        <translation>Aléa et exposition</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="135"/>
        <source>Counts what is exposed to a hazard, per hazard class and per aggregation unit: buildings (count, footprint area, population), critical facilities and road length. A feature touching several classes takes the highest.

&lt;b&gt;Hazard classes&lt;/b&gt;: polygons with a class field (for example the output of Prepare a hazard layer); use either this or a depth raster.
&lt;b&gt;Hazard class field&lt;/b&gt;: integer class, 1 low, 2 medium, 3 high (0 not exposed).
&lt;b&gt;Flood depth raster&lt;/b&gt;: depths in metres, sampled directly: a building footprint takes the maximum depth of every pixel it touches (GDAL&apos;s all-touched rule), a point the pixel under it.
&lt;b&gt;Band&lt;/b&gt;, &lt;b&gt;Upper bound of low depths (m)&lt;/b&gt;, &lt;b&gt;Upper bound of medium depths (m)&lt;/b&gt;, &lt;b&gt;Minimum flood depth (m)&lt;/b&gt;: how depths become classes.
&lt;b&gt;Buildings&lt;/b&gt; (polygons or points), &lt;b&gt;Building type field&lt;/b&gt; (breakdown by type), &lt;b&gt;Population field&lt;/b&gt; (people per building).
&lt;b&gt;Building levels field&lt;/b&gt;, &lt;b&gt;Residential building types&lt;/b&gt; and &lt;b&gt;Unit census population field&lt;/b&gt;: census totals of the aggregation units are shared among their residential buildings in proportion to footprint x levels (dasymetric mapping).
&lt;b&gt;Population raster&lt;/b&gt;: people per pixel, summed per class with partial pixels weighted by the area inside each class. Give one population source only.
&lt;b&gt;Displacement rate per class&lt;/b&gt; (low=0; medium=0.5; high=1 by default), &lt;b&gt;Demographic ratios&lt;/b&gt; and &lt;b&gt;Minimum needs per displaced person&lt;/b&gt; (Sphere Handbook defaults) give the displaced population, its breakdown and its needs.
&lt;b&gt;Facilities&lt;/b&gt; (points or polygons) and &lt;b&gt;Facility category field&lt;/b&gt;: hospitals, clinics, schools, kindergartens, fire stations and police are flagged critical.
&lt;b&gt;Roads&lt;/b&gt;: lines, split where they cross class boundaries; lengths in metres on the WGS 84 ellipsoid.
&lt;b&gt;Aggregation units&lt;/b&gt; (polygons, optional) and &lt;b&gt;Unit name field&lt;/b&gt;: a building or facility counts in the unit holding a point inside it.
Outputs: &lt;b&gt;Exposed buildings&lt;/b&gt;, &lt;b&gt;Exposed facilities&lt;/b&gt;, &lt;b&gt;Exposed road sections&lt;/b&gt; (inputs with hazard_class, hazard_label, max_depth_m and unit), &lt;b&gt;Exposure per unit&lt;/b&gt; (polygons with one column per class, ready for a choropleth), &lt;b&gt;Exposure summary&lt;/b&gt; (a table), &lt;b&gt;Rejected features&lt;/b&gt; (features without geometry) and &lt;b&gt;Summary (JSON)&lt;/b&gt;. Areas are computed in an equal-area projection; numbers are stored unrounded.</source>
        <translation>Compte ce qui est exposé à un aléa, par classe d’aléa et par unité d’agrégation : bâtiments (nombre, emprise au sol, population), équipements critiques et longueur de routes. Une entité qui touche plusieurs classes prend la plus forte.

&lt;b&gt;Classes d’aléa&lt;/b&gt; : polygones avec un champ de classe (par exemple la sortie de Préparer une couche d’aléa) ; utilisez soit ceci, soit un raster de hauteur d’eau.
&lt;b&gt;Champ de classe d’aléa&lt;/b&gt; : classe entière, 1 faible, 2 moyen, 3 fort (0 non exposé).
&lt;b&gt;Raster de hauteur d’eau&lt;/b&gt; : hauteurs en mètres, lues directement : une emprise de bâtiment prend la hauteur maximale de tous les pixels qu’elle touche (règle « all touched » de GDAL), un point le pixel sous lui.
&lt;b&gt;Bande&lt;/b&gt;, &lt;b&gt;Borne supérieure des hauteurs faibles (m)&lt;/b&gt;, &lt;b&gt;Borne supérieure des hauteurs moyennes (m)&lt;/b&gt;, &lt;b&gt;Hauteur d’eau minimale (m)&lt;/b&gt; : comment les hauteurs deviennent des classes.
&lt;b&gt;Bâtiments&lt;/b&gt; (polygones ou points), &lt;b&gt;Champ du type de bâtiment&lt;/b&gt; (ventilation par type), &lt;b&gt;Champ de population&lt;/b&gt; (personnes par bâtiment).
&lt;b&gt;Champ du nombre de niveaux&lt;/b&gt;, &lt;b&gt;Types de bâtiments résidentiels&lt;/b&gt; et &lt;b&gt;Champ de population recensée de l’unité&lt;/b&gt; : les totaux du recensement des unités d’agrégation sont répartis entre leurs bâtiments résidentiels au prorata de l’emprise × niveaux (cartographie dasymétrique).
&lt;b&gt;Raster de population&lt;/b&gt; : personnes par pixel, sommées par classe en pondérant les pixels partiels par la surface située dans chaque classe. Une seule source de population.
&lt;b&gt;Taux de déplacement par classe&lt;/b&gt; (low=0; medium=0.5; high=1 par défaut), &lt;b&gt;Ratios démographiques&lt;/b&gt; et &lt;b&gt;Besoins minimaux par personne déplacée&lt;/b&gt; (valeurs du manuel Sphère) donnent la population déplacée, sa ventilation et ses besoins.
&lt;b&gt;Équipements&lt;/b&gt; (points ou polygones) et &lt;b&gt;Champ de catégorie d’équipement&lt;/b&gt; : hôpitaux, cliniques, écoles, maternelles, pompiers et police sont signalés comme critiques.
&lt;b&gt;Routes&lt;/b&gt; : lignes, découpées là où elles franchissent des limites de classes ; longueurs en mètres sur l’ellipsoïde WGS 84.
&lt;b&gt;Unités d’agrégation&lt;/b&gt; (polygones, facultatif) et &lt;b&gt;Champ du nom de l’unité&lt;/b&gt; : un bâtiment ou un équipement compte dans l’unité qui contient un point situé à l’intérieur de lui.
Sorties : &lt;b&gt;Bâtiments exposés&lt;/b&gt;, &lt;b&gt;Équipements exposés&lt;/b&gt;, &lt;b&gt;Tronçons de routes exposés&lt;/b&gt; (entités d’entrée avec hazard_class, hazard_label, max_depth_m et unit), &lt;b&gt;Exposition par unité&lt;/b&gt; (polygones avec une colonne par classe, prêts pour une carte choroplèthe), &lt;b&gt;Synthèse de l’exposition&lt;/b&gt; (une table), &lt;b&gt;Entités rejetées&lt;/b&gt; (entités sans géométrie) et &lt;b&gt;Résumé (JSON)&lt;/b&gt;. Les surfaces sont calculées dans une projection équivalente ; les nombres sont enregistrés sans arrondi.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="267"/>
        <source>Hazard classes</source>
        <translation>Classes d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="175"/>
        <source>Hazard class field</source>
        <translation>Champ de classe d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="442"/>
        <source>Buildings</source>
        <translation>Bâtiments</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="181"/>
        <source>Building type field</source>
        <translation>Champ du type de bâtiment</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="184"/>
        <source>Population field</source>
        <translation>Champ de population</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="187"/>
        <source>Building levels field</source>
        <translation>Champ du nombre de niveaux</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="190"/>
        <source>Residential building types</source>
        <translation>Types de bâtiments résidentiels</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="193"/>
        <source>Population raster</source>
        <translation>Raster de population</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="508"/>
        <source>Facilities</source>
        <translation>Équipements</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="197"/>
        <source>Facility category field</source>
        <translation>Champ de catégorie d’équipement</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="200"/>
        <source>Roads</source>
        <translation>Routes</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="202"/>
        <source>Aggregation units</source>
        <translation>Unités d’agrégation</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="204"/>
        <source>Unit name field</source>
        <translation>Champ du nom de l’unité</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="207"/>
        <source>Unit census population field</source>
        <translation>Champ de population recensée de l’unité</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="210"/>
        <source>Displacement rate per class</source>
        <translation>Taux de déplacement par classe</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="213"/>
        <source>Demographic ratios</source>
        <translation>Ratios démographiques</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="216"/>
        <source>Minimum needs per displaced person</source>
        <translation>Besoins minimaux par personne déplacée</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="219"/>
        <source>Exposed buildings</source>
        <translation>Bâtiments exposés</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="219"/>
        <source>Exposed facilities</source>
        <translation>Équipements exposés</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="219"/>
        <source>Exposed road sections</source>
        <translation>Tronçons de routes exposés</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="219"/>
        <source>Exposure per unit</source>
        <translation>Exposition par unité</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="219"/>
        <source>Exposure summary</source>
        <translation>Synthèse de l’exposition</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="219"/>
        <source>Rejected features</source>
        <translation>Entités rejetées</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="228"/>
        <source>Summary (JSON)</source>
        <translation>Résumé (JSON)</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="228"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="231"/>
        <source>Hazard source</source>
        <translation>Source de l’aléa</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="239"/>
        <source>Give either hazard classes or a flood depth raster (exactly one of them).</source>
        <translation>Indiquez soit des classes d’aléa, soit un raster de hauteur d’eau (exactement l’un des deux).</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="247"/>
        <source>The hazard layer has no field {field}. Choose its class field, or prepare it with Prepare a hazard layer.</source>
        <translation>La couche d’aléa n’a pas de champ {field}. Choisissez son champ de classe, ou préparez-la avec Préparer une couche d’aléa.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="252"/>
        <source>The hazard layer is empty.</source>
        <translation>La couche d’aléa est vide.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="257"/>
        <source>The hazard class field holds values that are not classes ({values}): use 0 to 3, or prepare the layer with Prepare a hazard layer.</source>
        <translation>Le champ de classe d’aléa contient des valeurs qui ne sont pas des classes ({values}) : utilisez 0 à 3, ou préparez la couche avec Préparer une couche d’aléa.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="298"/>
        <source>Choose at least one exposure layer: buildings, facilities or roads.</source>
        <translation>Choisissez au moins une couche exposée : bâtiments, équipements ou routes.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="343"/>
        <source>Give one source of population only: a population field of the buildings, a census field of the aggregation units, or a population raster.</source>
        <translation>Indiquez une seule source de population : un champ de population des bâtiments, un champ de recensement des unités d’agrégation, ou un raster de population.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="347"/>
        <source>Census totals are distributed to buildings: choose a buildings layer as well.</source>
        <translation>Les totaux du recensement sont répartis entre les bâtiments : choisissez aussi une couche de bâtiments.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="389"/>
        <source>A displacement, demographic or needs setting cannot be read: {detail}. Write key=value pairs separated by &apos;;&apos;.</source>
        <translation>Un réglage de déplacement, de démographie ou de besoins est illisible : {detail}. Écrivez des paires clé=valeur séparées par « ; ».</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="400"/>
        <source>outside every unit</source>
        <translation>hors de toute unité</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="500"/>
        <source>{people} people of the census have no residential building in their unit and are not placed; they are reported as unplaced.</source>
        <translation>{people} personnes du recensement n’ont aucun bâtiment résidentiel dans leur unité et ne sont pas placées ; elles sont signalées comme non placées.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="657"/>
        <source>the feature has no geometry</source>
        <translation>l’entité n’a pas de géométrie</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="280"/>
        <source>The layer {layer} has no coordinate reference system. Set its CRS in the layer properties, then run again.</source>
        <translation>La couche {layer} n’a pas de système de coordonnées de référence. Définissez son SCR dans les propriétés de la couche, puis relancez.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="430"/>
        <source>{layer}: {count} invalid geometries were repaired.</source>
        <translation>{layer} : {count} géométries invalides ont été réparées.</translation>
    </message>
    <message>
        <location filename="../processing/exposure.py" line="264"/>
        <source>{count} hazard features have no geometry and are ignored.</source>
        <translation>{count} entités d’aléa n’ont pas de géométrie et sont ignorées.</translation>
    </message>
</context>
<context>
    <name>OsmExtractPbf</name>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="44"/>
        <source>Extract OSM layers from a .pbf file</source>
        <translation>Extraire les couches OSM d’un fichier .pbf</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="47"/>
        <source>OpenStreetMap</source>
        <translation>OpenStreetMap</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="53"/>
        <source>osm,openstreetmap,pbf,extract,buildings,roads,shelters,facilities,waterways,boundaries,offline</source>
        <translation>osm,openstreetmap,pbf,extraction,bâtiments,routes,abris,équipements,cours d’eau,limites administratives,hors ligne</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="111"/>
        <source>Buildings</source>
        <translation>Bâtiments</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="60"/>
        <source>Routable roads</source>
        <translation>Routes praticables</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="113"/>
        <source>Public facilities</source>
        <translation>Équipements publics</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="62"/>
        <source>Shelters and assembly points</source>
        <translation>Abris et points de rassemblement</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="63"/>
        <source>Waterways and water areas</source>
        <translation>Cours d’eau et surfaces en eau</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="117"/>
        <source>Administrative boundaries</source>
        <translation>Limites administratives</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="69"/>
        <source>Reads an OpenStreetMap .pbf file, offline, and writes analysis-ready layers to one GeoPackage: buildings (polygons), routable roads (lines, with the OSM node id of every vertex), public facilities and shelters (points; polygons become a point inside them), waterways (lines) and water areas (polygons), administrative boundaries (polygons). Multipolygon relations are assembled and invalid polygons repaired.

&lt;b&gt;OpenStreetMap .pbf file&lt;/b&gt;: an extract such as those of download.geofabrik.de.
&lt;b&gt;Themes&lt;/b&gt;: the layers to extract (all by default).
&lt;b&gt;Extent&lt;/b&gt; and &lt;b&gt;Area polygons&lt;/b&gt; (optional): keep only features that touch this extent and/or these polygons (both: their intersection). Features are kept whole, not cut at the edge. Empty: the whole file.
&lt;b&gt;Output GeoPackage&lt;/b&gt;: one layer per theme plus &lt;i&gt;rejects&lt;/i&gt;.

Every layer has osm_id, osm_type, name, category (a stable code), typed columns for the main tags and all tags as JSON in &lt;i&gt;tags&lt;/i&gt;. Objects of a theme that cannot get a geometry (nodes missing from a clipped extract, broken multipolygons) are listed in &lt;i&gt;rejects&lt;/i&gt; with the reason. Layer metadata records the source file, its date and the attribution © OpenStreetMap contributors (ODbL).</source>
        <translation>Lit un fichier OpenStreetMap .pbf, hors ligne, et écrit des couches prêtes pour l’analyse dans un seul GeoPackage : bâtiments (polygones), routes praticables (lignes, avec l’identifiant OSM du nœud de chaque sommet), équipements publics et abris (points ; un polygone devient un point situé à l’intérieur), cours d’eau (lignes) et surfaces en eau (polygones), limites administratives (polygones). Les relations multipolygones sont assemblées et les polygones invalides réparés.

&lt;b&gt;Fichier OpenStreetMap .pbf&lt;/b&gt; : un extrait, par exemple de download.geofabrik.de.
&lt;b&gt;Thèmes&lt;/b&gt; : les couches à extraire (toutes par défaut).
&lt;b&gt;Emprise&lt;/b&gt; et &lt;b&gt;Polygones de la zone&lt;/b&gt; (facultatifs) : ne garder que les entités qui touchent cette emprise et/ou ces polygones (les deux : leur intersection). Les entités sont gardées entières, non coupées au bord. Vide : tout le fichier.
&lt;b&gt;GeoPackage de sortie&lt;/b&gt; : une couche par thème, plus &lt;i&gt;rejects&lt;/i&gt;.

Chaque couche a les colonnes osm_id, osm_type, name, category (un code stable), des colonnes typées pour les principales balises et toutes les balises en JSON dans &lt;i&gt;tags&lt;/i&gt;. Les objets d’un thème qui ne peuvent pas recevoir de géométrie (nœuds absents d’un extrait découpé, multipolygones cassés) sont listés dans &lt;i&gt;rejects&lt;/i&gt; avec la raison. Les métadonnées des couches indiquent le fichier source, sa date et l’attribution © les contributeurs d’OpenStreetMap (ODbL).</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="90"/>
        <source>OpenStreetMap .pbf file</source>
        <translation>Fichier OpenStreetMap .pbf</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="90"/>
        <source>OpenStreetMap PBF (*.pbf *.osm.pbf)</source>
        <translation>OpenStreetMap PBF (*.pbf *.osm.pbf)</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="93"/>
        <source>Themes</source>
        <translation>Thèmes</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="96"/>
        <source>Extent</source>
        <translation>Emprise</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="98"/>
        <source>Area polygons</source>
        <translation>Polygones de la zone</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="100"/>
        <source>Output GeoPackage</source>
        <translation>GeoPackage de sortie</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="100"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="189"/>
        <source>Rejected OSM objects</source>
        <translation>Objets OSM rejetés</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="106"/>
        <source>Number of rejected OSM objects</source>
        <translation>Nombre d’objets OSM rejetés</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="112"/>
        <source>Roads</source>
        <translation>Routes</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="114"/>
        <source>Shelters</source>
        <translation>Abris</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="115"/>
        <source>Waterways</source>
        <translation>Cours d’eau</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="116"/>
        <source>Water areas</source>
        <translation>Surfaces en eau</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="158"/>
        <source>Choose at least one theme to extract.</source>
        <translation>Choisissez au moins un thème à extraire.</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="161"/>
        <source>Reading {path}</source>
        <translation>Lecture de {path}</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="167"/>
        <source>OSM data timestamp: {timestamp}</source>
        <translation>Date des données OSM : {timestamp}</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="195"/>
        <source>unknown</source>
        <translation>inconnue</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="171"/>
        <source>{layer}: {count} features</source>
        <translation>{layer} : {count} entités</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="177"/>
        <source>{count} {layer} rejected: {reason}</source>
        <translation>{layer} : {count} rejetés : {reason}</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="190"/>
        <source>OSM objects of the chosen themes that got no usable geometry, with the reason.</source>
        <translation>Objets OSM des thèmes choisis qui n’ont pas reçu de géométrie utilisable, avec la raison.</translation>
    </message>
    <message>
        <location filename="../processing/osm_extract_pbf.py" line="195"/>
        <source>Extracted by Refuge {version} from {source} (OSM data of {timestamp})</source>
        <translation>Extrait par Refuge {version} de {source} (données OSM du {timestamp})</translation>
    </message>
</context>
<context>
    <name>PrepareHazard</name>
    <message>
        <location filename="../processing/prepare_hazard.py" line="56"/>
        <source>Prepare a hazard layer</source>
        <translation>Préparer une couche d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="59"/>
        <source>Hazard and exposure</source>
        <translation>Aléa et exposition</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="65"/>
        <source>Turns flood zones (polygons with a class field) or a flood depth raster into a clean hazard layer: one polygon per class (low, medium, high), valid, without overlaps (where zones overlap, the highest class wins), optionally clipped to an extent.

&lt;b&gt;Hazard zones&lt;/b&gt;: polygons; use either zones or a depth raster.
&lt;b&gt;Class field&lt;/b&gt;: the field of the zones holding their class.
&lt;b&gt;Value map&lt;/b&gt;: which field value is which class, e.g. &lt;i&gt;YES=high; NO=dry&lt;/i&gt;; values are matched ignoring case and spaces; classes are low, medium, high or dry.
&lt;b&gt;Flood depth raster&lt;/b&gt;: depths in metres.
&lt;b&gt;Band&lt;/b&gt;: the raster band holding depths.
&lt;b&gt;Upper bound of low depths (m)&lt;/b&gt; and &lt;b&gt;Upper bound of medium depths (m)&lt;/b&gt;: low below the first, medium up to the second, high from the second (0.5 m and 1.5 m by default).
&lt;b&gt;Minimum flood depth (m)&lt;/b&gt;: depths at or below it are dry.
&lt;b&gt;Extent&lt;/b&gt; (optional): clip the hazard to this extent.
&lt;b&gt;Hazard classes&lt;/b&gt;: the output, with hazard_class (1 low, 2 medium, 3 high), labels in English and French and the area in m² (equal-area projection).
&lt;b&gt;Rejected zones&lt;/b&gt;: zones whose value is not in the value map or whose geometry is empty or beyond repair, with the reason.</source>
        <translation>Transforme des zones inondables (polygones avec un champ de classe) ou un raster de hauteur d’eau en une couche d’aléa propre : un polygone par classe (faible, moyen, fort), valide, sans recouvrement (là où des zones se recouvrent, la classe la plus forte l’emporte), éventuellement découpé à une emprise.

&lt;b&gt;Zones d’aléa&lt;/b&gt; : polygones ; utilisez soit des zones, soit un raster de hauteur d’eau.
&lt;b&gt;Champ de classe&lt;/b&gt; : le champ des zones qui porte leur classe.
&lt;b&gt;Table de correspondance&lt;/b&gt; : quelle valeur du champ correspond à quelle classe, par exemple &lt;i&gt;YES=high; NO=dry&lt;/i&gt; ; la casse et les espaces sont ignorés ; les classes sont low, medium, high ou dry (faible, moyen, fort, sec).
&lt;b&gt;Raster de hauteur d’eau&lt;/b&gt; : hauteurs en mètres.
&lt;b&gt;Bande&lt;/b&gt; : la bande du raster qui porte les hauteurs.
&lt;b&gt;Borne supérieure des hauteurs faibles (m)&lt;/b&gt; et &lt;b&gt;Borne supérieure des hauteurs moyennes (m)&lt;/b&gt; : faible sous la première, moyen jusqu’à la seconde, fort à partir de la seconde (0,5 m et 1,5 m par défaut).
&lt;b&gt;Hauteur d’eau minimale (m)&lt;/b&gt; : les hauteurs inférieures ou égales sont sèches.
&lt;b&gt;Emprise&lt;/b&gt; (facultatif) : découpe l’aléa à cette emprise.
&lt;b&gt;Classes d’aléa&lt;/b&gt; : la sortie, avec hazard_class (1 faible, 2 moyen, 3 fort), les libellés en anglais et en français et la surface en m² (projection équivalente).
&lt;b&gt;Zones rejetées&lt;/b&gt; : zones dont la valeur ne figure pas dans la table de correspondance ou dont la géométrie est vide ou irréparable, avec la raison.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="86"/>
        <source>Hazard zones</source>
        <translation>Zones d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="88"/>
        <source>Class field</source>
        <translation>Champ de classe</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="91"/>
        <source>Value map</source>
        <translation>Table de correspondance</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="94"/>
        <source>Extent</source>
        <translation>Emprise</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="95"/>
        <source>Hazard classes</source>
        <translation>Classes d’aléa</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="97"/>
        <source>Rejected zones</source>
        <translation>Zones rejetées</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="107"/>
        <source>Give either hazard zones or a flood depth raster (exactly one of them).</source>
        <translation>Indiquez soit des zones d’aléa, soit un raster de hauteur d’eau (exactement l’un des deux).</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="125"/>
        <source>No area is exposed: the hazard layer is empty.</source>
        <translation>Aucune surface n’est exposée : la couche d’aléa est vide.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="148"/>
        <source>Choose the class field of the hazard zones.</source>
        <translation>Choisissez le champ de classe des zones d’aléa.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="152"/>
        <source>The value map cannot be read: {detail}. Write it as value=class pairs separated by &apos;;&apos;, e.g. YES=high; NO=dry.</source>
        <translation>La table de correspondance est illisible : {detail}. Écrivez-la en paires valeur=classe séparées par « ; », par exemple YES=high; NO=dry.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="157"/>
        <source>The hazard zones layer is empty.</source>
        <translation>La couche des zones d’aléa est vide.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="162"/>
        <source>The value map matches none of the values of {field} ({values}). Edit the value map so that it names these values.</source>
        <translation>La table de correspondance ne correspond à aucune valeur de {field} ({values}). Modifiez-la pour qu’elle nomme ces valeurs.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="166"/>
        <source>{count} invalid zone geometries were repaired.</source>
        <translation>{count} géométries de zones invalides ont été réparées.</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="194"/>
        <source>the zone has no geometry</source>
        <translation>la zone n’a pas de géométrie</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="195"/>
        <source>invalid geometry that could not be repaired</source>
        <translation>géométrie invalide qui n’a pas pu être réparée</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="196"/>
        <source>the value of the class field is not in the value map</source>
        <translation>la valeur du champ de classe ne figure pas dans la table de correspondance</translation>
    </message>
    <message>
        <location filename="../processing/prepare_hazard.py" line="197"/>
        <source>the zone is not a polygon</source>
        <translation>la zone n’est pas un polygone</translation>
    </message>
</context>
<context>
    <name>RefugePlugin</name>
    <message>
        <location filename="../plugin/plugin.py" line="49"/>
        <source>&amp;Refuge</source>
        <translation>&amp;Refuge</translation>
    </message>
</context>
<context>
    <name>RefugeProvider</name>
    <message>
        <location filename="../processing/provider.py" line="26"/>
        <source>Refuge: disaster-risk planning</source>
        <translation>Refuge : planification des risques de catastrophe</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <location filename="../processing/layers.py" line="83"/>
        <source>Canceled: nothing was written.</source>
        <translation>Annulé : rien n’a été écrit.</translation>
    </message>
    <message>
        <location filename="../processing/layers.py" line="59"/>
        <source>The field {field} does not exist in the layer.</source>
        <translation>Le champ {field} n’existe pas dans la couche.</translation>
    </message>
</context>
</TS>
